class PublicIdConverter:
    """Random public ids (see organizations.scoping.new_public_id)."""

    regex = "[0-9a-z]{6,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)
