"""The four preset layouts, custom layouts from config, classification and detection."""

from archlint.layouts.classify import classify, pick_root
from archlint.layouts.presets import PRESETS, build_layout, detect
from archlint.layouts.suggest import technical_layout

__all__ = ["PRESETS", "build_layout", "classify", "detect", "pick_root", "technical_layout"]
