"""The base every pandera model of the contract shares, and the column types they are written in.

Kept apart from `extract.schemas` so the models of each family of tables can live in a module
of their own (`extract.reference_models`) and still be listed in one `TABLE_MODELS`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.dtypes import DataType, immutable
from pandera.engines import pandas_engine
from pandera.typing import Series


def without_dask_typing() -> None:
    """Tell pandera's type lookup that Dask is absent, unless Dask's typing is already loaded.

    Building a model's schema, pandera checks each field against the index and series types of
    every dataframe library it finds installed; for Dask that means importing all of Dask (about
    a second, in every process that validates, the CLI's own included) to learn types no model
    here uses. Pandera's `pandera.typing.dask` module is stood in for by one that says what it
    says when Dask is not installed. The models validate pandas frames only, so nothing changes.
    """
    if "pandera.typing.dask" not in sys.modules:
        stand_in = types.ModuleType("pandera.typing.dask", "pandera's Dask typing, as when Dask is not installed")
        stand_in.DASK_INSTALLED = False  # type: ignore[attr-defined]
        sys.modules["pandera.typing.dask"] = stand_in


without_dask_typing()


@immutable(init=True)
class ContractString(pandas_engine.STRING):
    """pandera's pandas string type, whose check answers once for a whole column that has the type.

    pandera's own type answers such a column with one True per row, and pandera then builds a
    table of the failing rows (none) and a message printing it, for every string column of every
    table it checks: a third of validation's time. A column of another type is checked by
    pandera's own type, as before, so what passes and what fails is unchanged.
    """

    def check(self, pandera_dtype: DataType, data_container: object | None = None) -> bool | Iterable[bool]:
        try:
            resolved = pandas_engine.Engine.dtype(pandera_dtype)
        except TypeError:
            return False
        if resolved.type == self.type:
            return True
        return super().check(pandera_dtype, data_container)  # type: ignore[arg-type]


StringColumn = Series[ContractString]
IntColumn = Series[pd.Int64Dtype]
DateColumn = Series[pa.Date]
UtcTimestampColumn = Series[Annotated[pd.DatetimeTZDtype, "ns", "UTC"]]

class ContractTable(pa.DataFrameModel):
    """Shared rules: coerce to the contract's types; listed columns first, extra ones after."""

    class Config:
        coerce = True

    @pa.dataframe_check(name="listed_columns_first")
    def listed_columns_first(cls, table: pd.DataFrame) -> bool:
        """Downstream readers rely on the listed columns leading, in the contract's order."""
        listed = list(cls.to_schema().columns)
        found = [column for column in table.columns if column in listed]
        in_order = found == [column for column in listed if column in found]
        return in_order and list(table.columns[: len(found)]) == found
