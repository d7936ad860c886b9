"""Runtime hook: runs before the entry script in the frozen build.

Importing the engine package sets the Hugging Face offline switches and installs
the network guard, so nothing the bundled libraries do at import time can reach
the network, whichever face of the program starts.
"""
import engine  # noqa: F401
