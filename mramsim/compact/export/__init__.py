"""One renderer per simulator dialect."""
