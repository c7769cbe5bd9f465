"""Reading returned workbooks exactly and safely."""
