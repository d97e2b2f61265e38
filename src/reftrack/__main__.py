from reftrack.cli.main import run

run()
