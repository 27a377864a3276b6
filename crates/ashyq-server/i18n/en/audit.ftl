## The public pages of risk-limiting audits (web/audit.rs)

nav-audits = Audits
audit-list-title = Risk-limiting audits
audit-list-intro = A risk-limiting audit checks that the protocols follow from the paper ballots: audit boards count by hand a random sample of precincts or ballots, drawn from a seed rolled in public, until the evidence confirms the reported outcome at the risk limit, or the contest is counted in full by hand. Anyone can redraw the sample and recompute the risk from the log with ashyq verify.
audit-list-none = No audit has been defined yet.
audit-list-caption = Every audit, with how many of its contests are confirmed
audit-list-json = The list as JSON
audit-not-found = No audit has this id, or it has no such contest.
audit-col-audit = Audit
audit-col-referendum = Referendum
audit-col-method = Method
audit-col-limit = Risk limit
audit-col-rounds = Rounds drawn
audit-col-confirmed = Contests confirmed
audit-confirmed-of = { $confirmed } of { $contests }
audit-method-batch = Batch comparison (MACRO): precincts drawn with probability proportional to their error bound, hand counts compared with the protocols
audit-method-polling = Ballot polling (BRAVO): ballots drawn at random, each one read
audit-method-alpha = Ballot polling (ALPHA): ballots drawn at random without replacement, each one read
audit-method-except = ; these contests by another method:
audit-title = Audit { $id }
audit-seed = Seed of the public ceremony
audit-seed-none = not recorded yet
audit-rounds = Rounds
audit-rounds-text = { $drawn } drawn, { $measured } measured
audit-contests = Contests
audit-contests-caption = Each contest of the audit and its conclusion
audit-contest-national = The whole country
audit-col-contest = Contest
audit-col-winner = Reported outcome
audit-col-draws = Draws
audit-col-discrepancies = Precincts with discrepancies
audit-col-risk = Risk
audit-col-conclusion = Conclusion
audit-answer-yes = Yes wins
audit-answer-no = No wins
audit-answer-tie = A tie (counted in full)
audit-conclusion-not-drawn = Not drawn yet
audit-conclusion-open = Round { $round } is open for entries
audit-conclusion-confirmed = Confirmed at risk ≤ { $limit } (risk { $risk })
audit-conclusion-more = { $count ->
    [one] Escalate: draw { $n } more (risk { $risk }, above the limit of { $limit })
   *[other] Escalate: draw { $n } more (risk { $risk }, above the limit of { $limit })
}
audit-conclusion-escalate = Full hand count of the contest's territory (risk { $risk })
audit-decision-confirmed = confirmed at risk ≤ { $limit }
audit-decision-more = draw { $n } more
audit-decision-escalate = full hand count
audit-files = The report
audit-report-json = The report as JSON
audit-report-csv = The report as CSV (one row a draw)
audit-verify-hint = The sample, the discrepancies and the risk are re-derived from the log, with the seed, by
audit-contest-title = { $contest }: audit { $id }
audit-reported = What the protocols report
audit-reported-text = { $winner }: { $count }.
audit-count = yes { $yes } · no { $no } · both marked { $both } · invalid { $invalid }
audit-risk-rounds = The risk after each round
audit-risk-none = No round of this contest has been measured yet.
audit-risk-caption = The risk measured after each round: the largest chance that a wrong outcome would have passed this far
audit-risk-rounding = The risk is computed exactly and published rounded up, never down.
audit-col-round = Round
audit-col-draws-so-far = Draws so far
audit-col-decision = Decision
audit-discrepancies = Discrepancies against the protocols
audit-discrepancies-polling = Ballot polling reads single ballots and compares no precinct's count with its protocol.
audit-discrepancies-none = No agreed hand count differs from its protocol.
audit-precinct = Precinct № { $n }
audit-line-yes = Yes
audit-line-no = No
audit-line-both = Both marked
audit-line-invalid = Invalid
audit-discrepancy-line = { $line }: protocol { $protocol }, paper { $paper } ({ $diff })
audit-sample = The sample
audit-sample-none = Nothing has been drawn for this contest yet.
audit-round-drawn = { $count ->
    [one] Round { $round }: { $n } draw
   *[other] Round { $round }: { $n } draws
}
audit-sample-caption = The draws of round { $round }, in ticket order, with each board member's entries
audit-col-item = Precinct or ballot
audit-col-ticket = Ticket
audit-col-generation = Drawn for the
audit-col-entries = Board members' entries
audit-col-agreed = Agreed
audit-no-entry = no entry yet
audit-differs = differs from the protocol
audit-disputed = the members disagree
audit-waiting = waiting for two agreeing entries
audit-reading-yes = yes
audit-reading-no = no
audit-reading-both = both marked
audit-reading-invalid = invalid
audit-reading-not-found = not found

## The audit boards' pages of the portal (web/portal/audit.rs)

portal-audit-link = Audits: enter the hand counts of the sampled precincts and ballots
portal-audit-title = Audit entries
portal-audit-intro = Each audit's open round lists the precincts or ballots drawn in your territory. Count the paper by hand and enter what you find; a second member of the board enters it too, without seeing yours. The item is agreed when two members enter the same; if they differ, both see both entries and count again.
portal-audit-waiting = round { $round }: { $waiting } of { $total } items in your territory wait for two agreeing entries
portal-audit-no-round = No round is open for entries.
portal-audit-public = The audit's public report
portal-audit-round-open = Round { $round } is open for entries.
portal-audit-read-only = Only audit boards and central operators enter counts; this account reads only.
portal-audit-nothing = No item of this audit lies in your territory.
portal-audit-ballot = Ballot { $k } of precinct № { $n }
portal-audit-found = { $n } ballots found in the boxes (the manifest)
portal-audit-yours = you: { $entry }
portal-audit-other-entered = { $member } has entered (hidden until you enter too)
portal-audit-agreed = Agreed: { $entry }.
portal-audit-disputed = The members' entries differ. Count the paper again and enter what you find.
portal-audit-count-legend = Hand count of { $item }
portal-audit-reading-legend = Reading of ballot { $item }
portal-audit-record = Record the entry
portal-audit-refused = Nothing was recorded for { $item }.
portal-audit-not-numbers = Enter whole numbers in: { $fields }.
portal-audit-no-reading = Choose the ballot's reading.
portal-audit-bad-item = The item is not a precinct number or a ballot.
portal-audit-entered = Your entry for { $item } is recorded (log entry { $seq }); it waits for a second member.
portal-audit-entered-agreed = Your entry for { $item } is recorded (log entry { $seq }); two members agree.
portal-audit-entered-disputed = Your entry for { $item } is recorded (log entry { $seq }), but it differs from another member's: count again.
portal-audit-measured = Every item of the round is agreed: the round is measured (log entry { $seq }).

## The full hand count of an escalated contest (web/audit.rs)

audit-hand-count = The full hand count
audit-hand-count-progress = { $counted } of the contest's { $precincts } precincts are counted in full by hand; { $amended } of the counts differ from their protocol and replace it as an amendment of the result, which now follows the paper.
audit-hand-count-caption = The precincts whose hand count replaced the certified protocol
audit-col-certified = Certified protocol
audit-col-hand-count = Hand count
audit-col-reason = Reason and author

# The status of a certified result a full hand count after an audit amended.
status-certified-amended = Certified, amended by audit

# The referendum's pages: its audits, each with its conclusion for the page's contest.
audit-referendum-audits = Risk-limiting audits
audit-referendum-audit = Audit { $id }
