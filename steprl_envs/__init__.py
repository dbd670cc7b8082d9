"""steprl_envs: Gymnasium environments for multi-turn GUI and text agents.

Importing the package registers the env ids (``gym.make("MockGUI-v0")``, ``"OSWorld-v0"`` ...). It imports no
heavy dependency: torch, docker, adbutils and transformers load only when an env or trainer needs them.
"""

from .registration import ENVS, make, register_all

__version__ = "0.1.0"

register_all()

__all__ = ["ENVS", "__version__", "make"]
