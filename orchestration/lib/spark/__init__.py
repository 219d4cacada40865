"""Running the dbt project on Apache Spark (issue #18).

The warehouse of record stays DuckDB: ingestion validates the landing files into the DuckDB
schemas raw, definitions and quarantine. For a Spark run those tables are handed over as Parquet
(`handover.export_handover`), dbt-spark registers them as the same sources (the on-run-start hook
`register_handover`), and the marts Spark computes can be compared with DuckDB's to the cent
(`compare.compare_marts`).
"""
