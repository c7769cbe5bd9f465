"""Fuzzing harness for hostile and broken input (see core.py; run with ``python -m tests.fuzz.run``)."""
