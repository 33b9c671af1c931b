"""Single sign-on into the console in a real headless Chromium: from Canon's sign-in page to a real OpenID Connect
provider on loopback (`oidc-provider-mock`), through its authorization form, and back signed in; the person's name
and the teams and role their groups give are what the console shows."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from tests.e2e.console_support import serving, watched_page
from tests.oidc_fixtures import AUDIENCE, Provider

pytestmark = pytest.mark.e2e


async def test_a_person_signs_in_with_their_company_account(
    browser: Browser, database_url: str, tmp_path: Path, oidc_provider: Provider
) -> None:
    claims = {"email": "ana.ruiz@acme.example", "name": "Ana Ruiz", "groups": ["canon-sales", "canon-approvers"]}
    async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
        assert (await http.put(f"{oidc_provider.issuer}/users/ana-sub", json=claims)).status_code == 204
    env = {
        "CANON_OIDC_ISSUER": oidc_provider.issuer,
        "CANON_OIDC_AUDIENCE": AUDIENCE,
        "CANON_OIDC_CLIENT_SECRET": "console secret",
        "CANON_OIDC_GROUPS": "canon-sales=team:sales,canon-approvers=role:approver",
    }
    with serving(database_url, tmp_path, env) as served:
        watched = await watched_page(browser)
        page = watched.page
        await page.goto(f"{served}/console")
        await page.get_by_role("link", name="Sign in with single sign-on").click()
        await page.wait_for_url(f"{oidc_provider.issuer}/**")
        await page.get_by_placeholder("sub").fill("ana-sub")
        await page.get_by_role("button", name="Authorize").click()
        await page.wait_for_url(f"{served}/console/glossary")
        await page.get_by_text("Ana Ruiz").wait_for()
        assert await page.get_by_text("(approver)").count() == 1
        # What the provider's own page asked of the network is not Canon's: judge Canon's pages from here on.
        watched.problems.clear()
        await page.reload()
        await watched.assert_clean()
        await watched.shot("signed-in-by-single-sign-on")

        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_url(f"{served}/console/sign-in")
        await page.goto(f"{served}/console/glossary")
        assert page.url == f"{served}/console/sign-in"
        await page.context.close()
