"""Text cleanup, the one home of it: `clean` (characters, line joins, hyphens, bullets) and `spacing` (fragments joined)."""
