"""Package layout: src/revideo, plus entrypoints/ installed as revideo.entrypoints
and supabase/ (migrations, seed) shipped inside the wheel as revideo.sql."""

from setuptools import find_packages, setup

entrypoints = ["revideo.entrypoints"] + [
    f"revideo.entrypoints.{name}" for name in find_packages("entrypoints")
]

setup(
    packages=[*find_packages("src"), *entrypoints, "revideo.sql"],
    package_dir={"": "src", "revideo.entrypoints": "entrypoints", "revideo.sql": "supabase"},
)
