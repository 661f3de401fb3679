"""What the OpenAPI schema says of rules the cases API enforces beyond a field's type, so a schema-driven
client sends what the server accepts: the kinds of concern by name, and text that is not only spaces.

drf-spectacular finds these extensions once this module is imported (casework/api/urls.py does).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from ..selectors import categories_active

# JSON Schema patterns match anywhere in the text: this one needs a character that is not a space.
NOT_ONLY_SPACES = r"\S"


class TextExtension(OpenApiSerializerFieldExtension):
    """Required text (`Text` without `allow_blank`) must hold more than spaces, tabs and line breaks."""

    target_class = "core.serializers.Text"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.allow_blank:
            schema["pattern"] = NOT_ONLY_SPACES
        return schema


class CategorySlugExtension(OpenApiSerializerFieldExtension):
    """The kinds of concern a family can raise now, as `GET /api/categories/` lists them. They are data
    (an administrator may retire one), so the schema reads them each time it is made."""

    target_class = "casework.api.serializers.CategorySlugField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "enum": list(categories_active().values_list("slug", flat=True)),
            "description": "The kind of concern: a slug from `GET /api/categories/`.",
        }
