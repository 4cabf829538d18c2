"""``--engine spark``: the same roll-up on Spark (local mode) as on DuckDB, cell for cell.

One Spark session for the module (starting one takes seconds); skipped where PySpark or
Java is missing (``make test`` installs both: the ``spark`` extra and
``openjdk-17-jre-headless``).
"""

from __future__ import annotations

import shutil

import pytest

from reports import rollup
from tests.reports.test_export_rollup import LOCALITIES
from tests.reports.test_export_rollup import export_text
from tests.reports.test_export_rollup import ledger_text

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)
pyspark = pytest.importorskip("pyspark", reason="pip install '.[spark]' for --engine spark")
if shutil.which("java") is None:
    pytest.skip("no Java: apt-get install openjdk-17-jre-headless", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("liaison tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark-exports")
    return [
        export_text(ledger_text(*spec), root / name) for name, spec in LOCALITIES.items()
    ]


@pytest.mark.parametrize("by", rollup.BY)
def test_spark_sums_exactly_what_duckdb_sums(spark, folders, by):
    on_duckdb = rollup.query(folders, by=by, engine="duckdb")
    on_spark = rollup.query(folders, by=by, engine="spark")
    assert on_spark["engine"] == "spark"
    for figures in ("groups", "offices", "methods", "rules", "sources"):
        assert on_spark[figures] == on_duckdb[figures], figures
        assert on_duckdb[figures], figures  # something was compared
    assert (
        rollup.build(on_spark)
        .tables[0]
        .frame.equals(rollup.build(on_duckdb).tables[0].frame)
    )


def test_spark_refuses_what_duckdb_refuses(spark, folders, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(rollup.ExportError, match="不是 `liaison export` 导出的文件夹"):
        rollup.query([*folders, empty], engine="spark")
