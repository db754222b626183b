"""Secrets at rest: source credentials sealed with a key from EARSHOT_SECRET_KEY.

Sealed values look like `enc:v1:<fernet token>`. Without a key, values are stored as given
(and `open` refuses sealed ones with a clear message rather than using ciphertext as a
password).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "enc:v1:"


class SecretKeyError(ValueError):
    """A sealed value cannot be opened with the configured key (or without one)."""


class Sealer:
    def __init__(self, secret_key: str | None) -> None:
        self._fernet = None
        if secret_key:
            # Any passphrase works: Fernet needs 32 url-safe base64 bytes, so derive them.
            digest = hashlib.sha256(f"earshot-secrets:{secret_key}".encode()).digest()
            self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> str:
        if self._fernet is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str) -> str:
        if not value.startswith(PREFIX):
            return value
        if self._fernet is None:
            raise SecretKeyError(
                "this source's credentials are encrypted: set EARSHOT_SECRET_KEY to the key "
                "they were saved with"
            )
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "this source's credentials were encrypted with another EARSHOT_SECRET_KEY; "
                "restore that key or add the source again"
            ) from exc

    def seal_settings(self, settings: dict[str, str], secret_names: set[str]) -> dict[str, str]:
        return {k: self.seal(v) if k in secret_names else v for k, v in settings.items()}

    def open_settings(self, settings: dict[str, str]) -> dict[str, str]:
        return {k: self.open(v) for k, v in settings.items()}
