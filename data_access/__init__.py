"""The data layer: models, migrations, queries (reads), commands (writes) and the CLI."""
