"""Prefect flows: the wiring between the pure stages, and nothing else."""
