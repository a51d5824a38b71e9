"""Profiles and roles."""

from __future__ import annotations

import attrs

from revideo.domain.errors import NotFound, ValidationError
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor, Profile, Role
from revideo.services._base import Context, require_admin, signed_in


@attrs.frozen
class UserService:
    ctx: Context

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
