"""What every benchmark prints: `name: measured (target)` lines as they come, and the table at the end."""

from __future__ import annotations


class Figures:
    def __init__(self, digits: int = 2) -> None:
        self.digits = digits
        self.results: list[tuple[str, str, str, bool]] = []

    def record(self, name: str, measured: float | int | str, target: str, ok: bool, unit: str = "") -> None:
        text = f"{measured:.{self.digits}f}{unit}" if isinstance(measured, float) else f"{measured}{unit}"
        self.results.append((name, text, target, ok))
        print(f"{name}: {text} ({target}){'' if ok else '  <-- MISSED'}", flush=True)

    def table(self) -> int:
        """The results as a Markdown table; 0 when every target was met, else 1 (an exit code)."""
        print("\n| benchmark | measured | target |\n|---|---|---|")
        for name, measured, target, ok in self.results:
            print(f"| {name} | {measured} | {target}{'' if ok else ' (missed)'} |")
        return 0 if all(ok for *_, ok in self.results) else 1
