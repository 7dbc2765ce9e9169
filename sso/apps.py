from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Company sign-in"

    def ready(self) -> None:
        from organizations.access import register_gate
        from organizations.audit_words import ACTION_WORDS, VERB_WORDS
        from sso import gate, receivers  # noqa: F401  (connects the signal receivers)

        register_gate(gate.company_sign_in_gate)
        ACTION_WORDS.update(
            {
                "sign_in.settings_changed": "Company sign-in changed",
                "sign_in.domain_added": "E-mail domain added",
                "sign_in.domain_verified": "E-mail domain verified",
                "sign_in.domain_removed": "E-mail domain removed",
                "sign_in.joined": "Joined through company sign-in",
                "sign_in.password_by_owner": "Owner signed in with a password",
                "scim.token_created": "Provisioning token created",
                "scim.token_revoked": "Provisioning token revoked",
                "scim.person_linked": "Person linked to the company directory",
                "scim.person_unlinked": "Person removed by the company directory",
            }
        )
        VERB_WORDS.update(
            {
                "sign_in.settings_changed": "changed company sign-in for",
                "sign_in.domain_added": "added the e-mail domain",
                "sign_in.domain_verified": "verified the e-mail domain",
                "sign_in.domain_removed": "removed the e-mail domain",
                "sign_in.joined": "joined through company sign-in:",
                "sign_in.password_by_owner": "signed in with a password (owners only):",
                "scim.token_created": "created a provisioning token for",
                "scim.token_revoked": "revoked a provisioning token for",
                "scim.person_linked": "linked to the company directory:",
                "scim.person_unlinked": "had the company directory remove",
            }
        )
