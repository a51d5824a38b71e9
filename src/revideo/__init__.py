"""
revideo: AI-presented marketing videos of property listings.

The domain values and errors are re-exported here; `revideo.bootstrap()`
builds the services an application uses (`Services`), from the environment
or from `Settings` you pass. The composition root is imported on first use,
so `import revideo` stays light.
"""

from typing import TYPE_CHECKING

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
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from revideo.services.videos import VideoInput
from revideo.settings import Settings
from revideo.settings import load as load_settings

if TYPE_CHECKING:
    from revideo.bootstrap import Services, bootstrap

__all__ = [
    "Actor",
    "AdFilter",
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
    "PropertyFilter",
    "PropertyInput",
    "PropertyMedia",
    "RenderJob",
    "RevideoError",
    "Role",
    "Services",
    "Settings",
    "Specs",
    "StorageError",
    "Summary",
    "ValidationError",
    "Video",
    "VideoFilter",
    "VideoInput",
    "VideoPurpose",
    "VideoStatus",
    "WebhookRejected",
    "bootstrap",
    "load_settings",
]


def __getattr__(name: str) -> object:
    # `revideo.bootstrap` is the composition root module, made callable (see its
    # end): whether Python's import system or this hook put it here, it is the
    # same object, so `revideo.bootstrap()` works every time.
    if name in ("bootstrap", "Services"):
        import revideo.bootstrap as root

        return root if name == "bootstrap" else root.Services
    raise AttributeError(f"module 'revideo' has no attribute {name!r}")
