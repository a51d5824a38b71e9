"""
Demo data for `revideo up`: a demo agent, three listings with photos, a video
per listing and two weeks of ad figures. Loading it twice adds nothing.
"""

from __future__ import annotations

import io
import logging
import random
from datetime import date, timedelta

from revideo.bootstrap import Services
from revideo.domain.ads import AdInput
from revideo.domain.errors import NotFound
from revideo.domain.profile import Actor
from revideo.domain.property import Address, PropertyInput, Specs
from revideo.domain.video import VideoPurpose
from revideo.services.videos import VideoInput

log = logging.getLogger(__name__)
DEMO_EMAIL = "demo@revideo.local"
DEMO_PASSWORD = "demo-password"

LISTINGS = [
    (
        PropertyInput(
            title="Sunlit loft by the river",
            category="residential",
            description="A bright two-bedroom loft with river views and a roof terrace.",
            address=Address(street="12 Oak St", city="Austin", state="TX", zip="78701"),
            specs=Specs(
                price="1250000",
                area="2400",
                beds=2,
                baths="2.5",
                amenities=["Roof terrace", "Gym", "Concierge"],
            ),
        ),
        VideoPurpose.SALE,
        ((232, 160, 90), (90, 140, 200)),
    ),
    (
        PropertyInput(
            title="Corner retail space downtown",
            category="commercial",
            description="Street-level retail with tall windows and steady foot traffic.",
            address=Address(street="400 Congress Ave", city="Austin", state="TX", zip="78701"),
            specs=Specs(price="8500", area="1800", amenities=["Loading dock", "Parking"]),
        ),
        VideoPurpose.RENT,
        ((70, 90, 110), (200, 200, 190)),
    ),
    (
        PropertyInput(
            title="Renovated family home",
            category="resale",
            description="A quiet street, a big garden and a kitchen redone last year.",
            address=Address(street="88 Maple Dr", city="Round Rock", state="TX", zip="78664"),
            specs=Specs(price="489000", area="2100", beds=4, baths="3", amenities=["Garden"]),
        ),
        VideoPurpose.SALE,
        ((120, 170, 110), (240, 230, 210)),
    ),
]


def load_demo(services: Services, *, today: date | None = None, render: bool = True) -> Actor:
    """Create the demo agent and their listings unless they exist; return the agent."""
    agent = _demo_agent(services)
    if services.properties.list(agent).total:
        return agent
    today = today or date.today()
    rnd = random.Random(7)
    for number, (data, purpose, colours) in enumerate(LISTINGS):
        prop = services.properties.create(agent, data)
        for shot in range(3):
            services.properties.add_photo(
                agent, prop.id, photo(colours, shot, data.title), "image/jpeg"
            )
        draft = services.videos.write_script(agent, prop.id, purpose)
        avatar, voice = services.engine.avatars()[0], services.engine.voices()[0]
        video = services.videos.create_draft(
            agent,
            VideoInput(prop.id, f"{data.title} tour", draft.text, avatar.id, voice.id, purpose),
        )
        if render and number == 0:
            services.videos.submit(agent, video.id)
        _ad_history(services, agent, video.id, today, rnd)
    log.info("demo data loaded for %s", DEMO_EMAIL)
    return agent


def _demo_agent(services: Services) -> Actor:
    try:
        profile = services.users.by_email(DEMO_EMAIL)
    except NotFound:
        services.identity.create_user(DEMO_EMAIL, DEMO_PASSWORD, "Demo Agent")
        profile = services.users.by_email(DEMO_EMAIL)
    return Actor.user(profile.id, role=profile.role, email=profile.email)


def _ad_history(
    services: Services, agent: Actor, video_id: str, today: date, rnd: random.Random
) -> None:
    for days_ago in range(14, 0, -1):
        for platform in ("meta", "google"):
            impressions = rnd.randint(800, 4000)
            clicks = rnd.randint(10, max(11, impressions // 40))
            data = AdInput(
                video_id=video_id,
                platform=platform,
                date_recorded=today - timedelta(days=days_ago),
                spend_amount=f"{rnd.uniform(15, 80):.2f}",
                impressions=impressions,
                clicks=clicks,
                leads=rnd.randint(0, max(1, clicks // 8)),
            )
            services.ads.add(agent, data)


def photo(colours: tuple[tuple[int, int, int], ...], shot: int, title: str) -> bytes:
    """A 1280×720 JPEG standing in for a listing photo: a gradient, a horizon, a caption."""
    from PIL import Image, ImageDraw

    top, bottom = colours
    image = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(image)
    for y in range(720):
        t = y / 719
        draw.line(
            [(0, y), (1279, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    horizon = 420 + shot * 40
    draw.rectangle([0, horizon, 1279, 719], fill=tuple(c // 2 for c in bottom))
    draw.rectangle(
        [200 + shot * 250, horizon - 180, 560 + shot * 250, horizon], fill=(245, 240, 230)
    )
    draw.text((40, 40), f"{title} · photo {shot + 1}", fill=(255, 255, 255), font_size=40)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
