"""A seeded, realistic demo history for `calibrate demo`: profiles, sessions, answers, disputes.

Pure simulation (a numpy Generator; no SQL, no Qt). Each moderator has a latent noise (the
inverse of skill) and a leniency bias on the pack's ladder: the chosen rung is
round(target + bias + noise), so a biased moderator's wrong answers lean one way and a site
whose people share a bias over-enforces. Each ambiguous case splits the room into two camps
paired by skill, so strong reviewers disagree. Same packs, seed and day → the same rows,
UUIDs included (they come from their own seeded stream).

`simulation.generate_history` is the entry; `records` holds what it returns (and `as_rows`
for a store), `moderators` who is hired, `behaviour` how one moderator answers one case,
`workdays` the calendar, `words` the names and notes it draws from. Nothing is imported here:
`calibrate demo --help` reads `words.DEFAULT_SEED` without loading numpy.
"""
