"""Writes the event part of `python/hookshield/_hookshield.pyi` (between the markers)
from the core's JSON Schema of every documented event,
`crates/hookshield/schema/events.json` (which
`cargo run -p hookshield --features schema --example event_schema` writes).

    python tools/gen_event_stubs.py          # rewrite the stub
    python tools/gen_event_stubs.py --check  # exit 1 when the stub is not what it writes

Each data struct becomes a TypedDict named as in the schema's `$defs`, with `Data`
appended for an event's own data (`SentinelDocumentCompletedData`, nested ones keep
their name: `SentinelExtractions`); each documented event a class named by its title
(`SentinelDocumentCompleted`; a family of types, KYC's, `KycSessionEvent` with `type`
a `str`); each provider a union named by its title (`SentinelEvent`) with `UnknownEvent`.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
STUB = HERE.parent / "python" / "hookshield" / "_hookshield.pyi"
SCHEMA = HERE.parents[2] / "crates" / "hookshield" / "schema" / "events.json"

SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# Providers without documented events: every event of theirs is untyped.
UNTYPED_PROVIDERS = ["GitHubEvent", "StandardEvent", "CustomEvent"]


def ref_name(ref: str) -> str:
    return ref.removeprefix("#/$defs/")


def annotation(prop: dict[str, Any], names: dict[str, str]) -> str:
    """The Python type of one property's schema (`T | None` where it may be null)."""
    if "$ref" in prop:
        return names[ref_name(prop["$ref"])]
    if "anyOf" in prop:
        members = [m for m in prop["anyOf"] if m != {"type": "null"}]
        if len(members) != 1:
            raise SystemExit(f"unsupported anyOf: {prop}")
        kind = annotation(members[0], names)
        return f"{kind} | None" if len(members) < len(prop["anyOf"]) else kind
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    nullable = "null" in types
    types = [t for t in types if t != "null"]
    if len(types) != 1:
        raise SystemExit(f"unsupported type: {prop}")
    if types[0] == "array":
        items = prop.get("items", True)
        kind = "list[Any]" if items is True else f"list[{annotation(items, names)}]"
    elif types[0] in SCALARS:
        kind = SCALARS[types[0]]
    else:
        raise SystemExit(f"unsupported type: {prop}")
    return f"{kind} | None" if nullable else kind


def providers(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return schema["oneOf"]


def events_of(provider: dict[str, Any]) -> list[dict[str, Any]]:
    return provider["oneOf"]


def def_names(schema: dict[str, Any]) -> dict[str, str]:
    """Each `$defs` name -> its TypedDict's name."""
    data = {
        ref_name(event["properties"]["data"]["$ref"])
        for provider in providers(schema)
        for event in events_of(provider)
    }
    return {
        name: f"{name}Data" if name in data and not name.endswith("Data") else name
        for name in schema["$defs"]
    }


def typed_dicts(schema: dict[str, Any]) -> str:
    names = def_names(schema)
    out = []
    for name, definition in schema["$defs"].items():
        required = set(definition.get("required", []))
        out.append(f"@type_check_only\nclass {names[name]}(TypedDict):")
        for field, prop in definition["properties"].items():
            kind = annotation(prop, names)
            out.append(f"    {field}: {kind if field in required else f'NotRequired[{kind}]'}")
        out.append("")
    return "\n".join(out)


def event_class(cls: str, provider: str, type_: str | None, family: str, data: str) -> str:
    t = f'Literal["{type_}"]' if type_ else "str"
    return (
        f"@type_check_only\nclass {cls}(Event):\n"
        f"    @property\n    def provider(self) -> Literal[\"{provider}\"]: ...\n"
        f"    @property\n    def type(self) -> {t}: ...\n"
        f"    @property\n    def family(self) -> Literal[\"{family}\"]: ...\n"
        f"    @property\n    def documented(self) -> Literal[True]: ...\n"
        f"    @property\n    def untyped_reason(self) -> None: ...\n"
        f"    @property\n    def untyped_detail(self) -> None: ...\n"
        f"    @property\n    def data(self) -> {data}: ...\n"
    )


def events(schema: dict[str, Any]) -> str:
    names = def_names(schema)
    out = []
    unions = {}
    for provider in providers(schema):
        members = []
        for event in events_of(provider):
            props = event["properties"]
            type_ = props["type"].get("const")
            # A family of types (KYC's) has one class, `type` any string of it.
            cls = event["title"] if type_ else f"{event['title']}Event"
            data = names[ref_name(props["data"]["$ref"])]
            out.append(event_class(cls, props["provider"]["const"], type_, props["family"]["const"], data))
            members.append(cls)
        unions[provider["title"]] = members
    for alias, members in unions.items():
        out.append(f"{alias}: TypeAlias = Union[\n" + "".join(f"    {m},\n" for m in members) + "    UnknownEvent,\n]")
    out.extend(f"{alias}: TypeAlias = UnknownEvent" for alias in UNTYPED_PROVIDERS)
    everything = [m for members in unions.values() for m in members]
    out.append("AnyEvent: TypeAlias = Union[\n" + "".join(f"    {m},\n" for m in everything) + "    UnknownEvent,\n]")
    return "\n".join(out)


def render(text: str) -> str:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    generated = "# BEGIN GENERATED EVENTS\n" + typed_dicts(schema) + "\n" + events(schema) + "\n# END GENERATED EVENTS"
    return re.sub(r"# BEGIN GENERATED EVENTS.*# END GENERATED EVENTS", lambda _: generated, text, flags=re.S)


def main() -> None:
    text = STUB.read_text(encoding="utf-8")
    rendered = render(text)
    if "--check" in sys.argv[1:]:
        if rendered != text:
            sys.exit(f"{STUB} is stale: run python3 {pathlib.Path(__file__).relative_to(HERE.parents[2])}")
        return
    STUB.write_text(rendered, encoding="utf-8")


if __name__ == "__main__":
    main()
