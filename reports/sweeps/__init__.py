"""Sweeps over design grids and where their jobs run (local processes or Dask)."""
