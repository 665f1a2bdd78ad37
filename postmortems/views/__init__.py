"""Review pages: the document, the live meeting, the library."""
