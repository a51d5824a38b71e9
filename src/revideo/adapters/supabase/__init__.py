"""
Supabase backend: PostgREST for data (the user's JWT, so RLS decides), Supabase
Auth as the Identity port, Supabase Storage as the MediaStore port.

supabase-py's clients are imported only when used, so `import revideo` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend
    from revideo.adapters.supabase.identity import SupabaseIdentity
    from revideo.adapters.supabase.storage import SupabaseMediaStore

__all__ = ["SupabaseBackend", "SupabaseIdentity", "SupabaseMediaStore"]
_HOMES = {
    "SupabaseBackend": "backend",
    "SupabaseIdentity": "identity",
    "SupabaseMediaStore": "storage",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        module = importlib.import_module(f"revideo.adapters.supabase.{_HOMES[name]}")
        return getattr(module, name)
    raise AttributeError(name)
