"""qkv-drill: interview drills on attention's Query, Key and Value matrices.

Kept empty on purpose: importing the package must stay instant (no numpy, textual or torch).
"""

__version__ = "0.1.0"
