"""Profiles, roles, and deleting an account with everything it owns."""

from __future__ import annotations

import contextlib

import attrs

from revideo.domain.errors import ConfigError, NotFound, StorageError, ValidationError
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor, Profile, Role
from revideo.ports.identity import Identity
from revideo.ports.media_store import MediaStore
from revideo.ports.repositories import PropertyFilter
from revideo.services._base import Context, require_admin, signed_in
from revideo.services.properties import owned_files

SYSTEM = Actor.service()


@attrs.frozen
class UserService:
    ctx: Context
    store: MediaStore | None = None
    identity: Identity | None = None

    def me(self, actor: Actor) -> Profile:
        with self.ctx.uow(actor) as uow:
            return uow.profiles.get(signed_in(actor))

    def update_me(self, actor: Actor, full_name: str, avatar_url: str | None = None) -> Profile:
        with self.ctx.uow(actor) as uow:
            profile = uow.profiles.get(signed_in(actor))
            new = attrs.evolve(profile, full_name=full_name.strip(), avatar_url=avatar_url)
            return uow.profiles.update(new)

    def end_sessions(self, actor: Actor) -> Profile:
        """Sign out everywhere: every session of the actor signed in before now ends."""
        with self.ctx.uow(actor) as uow:
            return uow.profiles.end_sessions(signed_in(actor))

    def list(self, actor: Actor, page: PageRequest = PageRequest()) -> Page[Profile]:
        require_admin(actor)
        with self.ctx.uow(actor) as uow:
            return uow.profiles.list(page)

    def by_email(self, email: str) -> Profile:
        """Look a user up by email, as the system (for trusted local tools like the CLI)."""
        wanted = email.strip().casefold()
        with self.ctx.uow(Actor.service()) as uow:
            for profile in every(uow.profiles.list):
                if profile.email.casefold() == wanted:
                    return profile
        raise NotFound("user", email)

    def set_role(self, actor: Actor, user_id: str, role: Role | str) -> Profile:
        require_admin(actor)
        if actor.user_id == user_id and Role(role) is not Role.ADMIN:
            raise ValidationError("role", "an admin cannot take away their own admin role")
        with self.ctx.uow(actor) as uow:
            return uow.profiles.set_role(user_id, Role(role))

    def delete_account(self, actor: Actor, user_id: str | None = None) -> None:
        """Delete an account, everything it owns, and every stored object it had (its
        photos, its videos' archived MP4s and JPGs, what it had staged). A user deletes their
        own account; an admin may delete another's.

        Order: the rows (properties cascade to photos, videos, renders, ad figures) go in one
        transaction, then the files, then the sign-in account and profile; a failure part way
        leaves an account that owns less, never a record pointing at a missing file.
        """
        target = user_id or signed_in(actor)
        if target != actor.user_id:
            require_admin(actor)
        if self.identity is None or self.store is None:
            raise ConfigError("identity", "accounts are managed by no identity service here")
        with self.ctx.uow(SYSTEM) as uow:
            uow.profiles.get(target)  # NotFound for an unknown account
            mine = [
                p
                for p in every(lambda page: uow.properties.list(PropertyFilter(), page))
                if p.user_id == target
            ]
            files = [f for p in mine for f in owned_files(uow, p.id)]
            for prop in mine:
                uow.properties.delete(prop.id)
        for bucket, path in files:
            with contextlib.suppress(StorageError):  # an orphan file is harmless
                self.store.delete(SYSTEM, bucket, path)
        with contextlib.suppress(StorageError):  # and so is one staged (it expires)
            staged = self.store.staged_in(SYSTEM, target)
            self.store.unstage(SYSTEM, [o.path for o in staged])
        self.identity.delete_user(target)
