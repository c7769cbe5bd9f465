"""A corpus of broken, hostile and tampered entry workbooks for testing the reader (see make_corpus)."""
