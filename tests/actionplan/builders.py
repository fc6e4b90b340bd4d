"""The old address of the plan builders, which now live in tests/factories.py with every other
builder. Kept only while tests written against it are still arriving; import from tests.factories."""

from tests.factories import edit_data, first_dimension, make_framework, make_item, make_plan

__all__ = ["edit_data", "first_dimension", "make_framework", "make_item", "make_plan"]
