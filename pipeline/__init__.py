"""newsbrief: briefs of a news story across outlets, every claim cross-checked.

The library lives in this package, one module per stage. Interfaces (the CLI for now)
parse their input, call the library, and render the result.
"""

__version__ = "0.1.0"
