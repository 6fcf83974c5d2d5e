"""Reads: every query the pages and the command line share, aggregated in SQL.

The cached reads of the app (``ui.cache``) are keyed by the generations of the areas of data
they read (``data_access.generations``), which every write command moves in its own
transaction.
"""
