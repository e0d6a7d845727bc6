"""The baseline a one-report run is held against: a plain script that loads the libraries the project
stands on (pandas, pandera, pdfplumber, pyarrow) and writes one Parquet file.

    python bench/plain_libraries.py OUT.parquet

It imports nothing of the project, so its time is what any Python tool built on these libraries
pays before doing any work: what a user waiting for one new report can fairly be asked to wait, times a few.
"""

import sys

import pandas as pd
import pandera.pandas  # noqa: F401
import pdfplumber  # noqa: F401
import pyarrow  # noqa: F401
import pyarrow.parquet  # noqa: F401

pd.DataFrame({"report_id": ["one"], "studies": [1]}).to_parquet(sys.argv[1])
