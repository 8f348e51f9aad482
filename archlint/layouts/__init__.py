"""The preset layouts, custom layouts from config, the import root, classification and detection."""

from archlint.layouts.classify import classify, pick_root
from archlint.layouts.detect import BY_LAYER, declared_base, detect, require_layer_roles
from archlint.layouts.domains import FolderIndex
from archlint.layouts.imports import find_import_roots
from archlint.layouts.presets import PRESETS, build_layout

__all__ = [
    "BY_LAYER",
    "PRESETS",
    "FolderIndex",
    "build_layout",
    "classify",
    "declared_base",
    "detect",
    "find_import_roots",
    "pick_root",
    "require_layer_roles",
]
