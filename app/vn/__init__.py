"""Vietnamese text toolkit: pure functions, no database."""
