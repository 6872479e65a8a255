"""The words of the demo history: moderators' names, ambiguous readings, dispute and answer notes.

Data only (no numpy: `calibrate demo` reads DEFAULT_SEED here for its --help), read by the
simulation of this package. Order matters: the simulation draws from these tuples by index,
so reordering or editing an entry changes the demo for every seed.
"""

from __future__ import annotations

DEFAULT_SEED = 2026  # the seed of the demo history the app and `calibrate demo` write

NAMES = {
    "Lisbon": tuple(
        ", ".join(
            (
                "Ana Ferreira, João Silva, Marta Costa, Tiago Almeida, Inês Carvalho, Rui Pereira",
                "Beatriz Sousa, Pedro Martins, Catarina Lopes, Miguel Rodrigues, Sofia Gomes",
                "Diogo Ribeiro, Mariana Santos, Luca Romano, Hanna Schmidt, Chiara Bianchi",
                "Tomasz Nowak, Elena Popescu, Lucas Moreau, Sara Lindqvist, Nikos Pappas",
                "Laura García, Kofi Mensah, Amira Haddad, Jonas Weber, "
                "Clara Duarte, Bruno Teixeira",
                "Rita Fonseca, Hugo Marques, Leonor Pinto, Aisha Bello, Filipe Moura",
            )
        ).split(", ")
    ),
    "Manila": tuple(
        ", ".join(
            (
                "Angelica Reyes, Mark Anthony Cruz, Joanna Bautista, Paolo Villanueva",
                "Kristine Mendoza, Jerome Garcia, Patricia Dela Cruz, Carlo Ramos, Bea Castillo",
                "Miguel Aquino, Rowena Flores, Jayson Navarro, Camille Torres, Rafael Domingo",
                "Lovely Manalo, Nico Santiago",
            )
        ).split(", ")
    ),
}

# Each ambiguous case's two honest readings: decision, the clause cited, a note.
AMBIGUOUS = {
    "gr-protest-injury-documentation": (
        (
            "warning_screen",
            "GR-2",
            "Time, place and a factual caption: documentation of a public event. Warning screen.",
        ),
        (
            "remove",
            "GR-1",
            "New account, no editorial framing and a held close-up of the wound. GR-1 applies.",
        ),
    ),
    "hb-course-seller-callout": (
        (
            "allow",
            "HB-1.1",
            "Criticises how she sells to the public, with receipts; no call to contact her.",
        ),
        (
            "remove",
            "HB-1",
            "Small account, her face and handle on screen: degrading a private person.",
        ),
    ),
    "rg-festival-pill-testing": (
        (
            "not_recommended",
            "RG-2.2",
            "The test is harm reduction but it ends on the party; shows use approvingly.",
        ),
        ("allow", "RG-2.1", "The message is 'always test'. That is harm reduction."),
    ),
}

DISPUTE_NOTES = {
    "gr-protest-injury-documentation": (
        "A personal account with no editorial framing is not news. GR-2 needs to say when a "
        "bystander clip counts as documentation.",
        "The close-up is held for two seconds; under GR-1 as written this is a removal.",
    ),
    "hb-course-seller-callout": (
        "She sells from a 900-follower account. HB-1.1 should say when selling to the public "
        "makes someone a public figure.",
        "Her face and handle in front of thousands of viewers is a pile-on waiting to happen.",
    ),
    "rg-festival-pill-testing": (
        "If 'always test your stuff' is not recommended, which harm-reduction video is "
        "allowed? RG-2.1 should win here.",
        "The party at the end does not change the message; nobody is selling anything.",
    ),
}

NOTES = {
    "correct": (
        "Caption and account facts settled it.",
        "Checked the clause list first.",
        "Watched it twice for the moment in question.",
        "Straightforward once I read the report reason.",
    ),
    "wrong": (
        "Erred on the side of caution.",
        "Didn't see enough in the clip to act on.",
        "Read it as commentary rather than a violation.",
        "Missed the on-screen text the first time.",
        "Felt too risky to leave as it was.",
    ),
    "missed_escalation": (
        "Removed it; didn't register the time and place.",
        "Focused on the content, not on the risk to the person.",
    ),
}
