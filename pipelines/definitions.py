"""The Dagster project: everything under pipelines/defs/ (`dg dev` / `dagster dev` load this)."""

import os
from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    os.umask(0o077)  # under `dg dev` too, the warehouse files are for their owner only
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
