"""Renderers: the official print-ready disclosure workbook (and, later, PDF and docx)."""
