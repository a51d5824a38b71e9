"""
The HeyGen adapter: HeyGenEngine (v3 by default, legacy v2 selectable) and a
local simulator of HeyGen's API (revideo.adapters.heygen.simulator).
"""

from revideo.adapters.heygen.engine import HeyGenEngine
from revideo.adapters.heygen.wire import WebhookEndpoint

__all__ = ["HeyGenEngine", "WebhookEndpoint"]
