"""
revideo: AI-presented marketing videos of property listings.

The domain values and errors are re-exported here; `revideo.bootstrap()`
builds the services an application uses.
"""

from revideo.domain.ads import AdInput, AdPlatform, AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.errors import (
    AuthError,
    ConfigError,
    Duplicate,
    EngineError,
    EngineOutcomeUnknown,
    EngineRejected,
    EngineUnauthorized,
    EngineUnavailable,
    Forbidden,
    InvalidTransition,
    NotFound,
    RevideoError,
    StorageError,
    ValidationError,
    WebhookRejected,
)
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor, Profile, Role
from revideo.domain.property import Address, Property, PropertyCategory, PropertyInput, Specs
from revideo.domain.render_job import RenderJob
from revideo.domain.video import AspectRatio, EngineReport, Video, VideoPurpose, VideoStatus

__all__ = [
    "Actor",
    "AdInput",
    "AdPlatform",
    "AdRecord",
    "AdTotals",
    "Address",
    "AspectRatio",
    "AuthError",
    "ConfigError",
    "Duplicate",
    "EngineError",
    "EngineOutcomeUnknown",
    "EngineRejected",
    "EngineReport",
    "EngineUnauthorized",
    "EngineUnavailable",
    "Forbidden",
    "InvalidTransition",
    "NotFound",
    "Page",
    "PageRequest",
    "Profile",
    "Property",
    "PropertyCategory",
    "PropertyInput",
    "PropertyMedia",
    "RenderJob",
    "RevideoError",
    "Role",
    "Specs",
    "StorageError",
    "Summary",
    "ValidationError",
    "Video",
    "VideoPurpose",
    "VideoStatus",
    "WebhookRejected",
    "bootstrap",
]


def __getattr__(name: str) -> object:
    if name == "bootstrap":
        from revideo.bootstrap import bootstrap

        return bootstrap
    raise AttributeError(name)
