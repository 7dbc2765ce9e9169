"""The statement linter's words: small lexicons of trait words and vague qualifiers, of
mental verbs, and of artifacts, audiences, measures and action verbs; and how a statement
is cut into words (`words`, `singular`, `within`). `frameworks.linter` reads them."""

from __future__ import annotations

import re


def lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Personality traits and dispositions: things a person *is*.
TRAIT_WORDS = lexicon(
    """
    proactive passionate motivated self-motivated driven curious humble confident reliable
    hard-working hardworking
    dependable trustworthy organized organised detail-oriented results-oriented results-
    driven customer-focused customer-centric customer-obsessed people-oriented team-oriented
    goal-oriented action-oriented process-oriented data-driven strategic innovative creative
    collaborative approachable empathetic resilient adaptable flexible hardworking hard-
    working energetic enthusiastic positive friendly mature accountable analytical
    articulate persuasive decisive diligent meticulous visionary inspiring charismatic
    ambitious open-minded honest ethical entrepreneurial self-starter self-directed
    autonomous independent thoughtful respectful supportive patient dedicated committed
    loyal polite calm composed tenacious genuine kind caring savvy knowledgeable experienced
    competent skilled talented capable pragmatic rigorous responsive punctual tactful
    diplomatic assertive agile nimble humble-minded growth-minded coachable likeable likable
    """
)

# Nouns for the kind of person someone is ("a strong communicator").
PERSON_NOUNS = lexicon(
    """
    communicator leader player thinker self-starter starter solver collaborator learner
    listener presenter influencer operator executor owner role model champion advocate
    expert professional partner person individual contributor teammate asset go-getter
    mindset attitude personality closer hunter doer finisher connector multiplier
    storyteller worker
    """
)

# Abstract qualities people are said to "have", "show" or "demonstrate".
QUALITY_NOUNS = lexicon(
    """
    judgement judgment initiative ownership leadership attitude mindset integrity passion
    curiosity empathy resilience maturity professionalism commitment accountability
    potential excellence skill skills ability abilities capability capabilities knowledge
    understanding awareness expertise competence competency confidence enthusiasm drive grit
    humility flexibility adaptability creativity intuition instinct instincts acumen sense
    eye taste presence charisma character energy focus discipline work-ethic ethic values
    teamwork communication insight vision aptitude talent attention detail care urgency
    emotional intelligence
    """
)

# Vague evaluative adjectives: they judge the work without saying what good looks like.
VAGUE_ADJECTIVES = lexicon(
    """
    good great excellent strong solid effective outstanding exceptional superb amazing
    awesome high-quality quality appropriate sound smart right best proper reasonable
    sensible impactful meaningful valuable successful efficient productive optimal superior
    stellar world-class top-notch first-class exemplary impressive remarkable adequate
    satisfactory decent wise brilliant beautiful compelling clean elegant engaging polished
    seamless
    """
)

# Vague adverbs: "communicates well", "thinks strategically".
VAGUE_ADVERBS = lexicon(
    """
    well effectively efficiently strategically appropriately proactively professionally
    successfully properly positively constructively thoughtfully productively independently
    confidently competently skillfully skilfully excellently wisely diligently consistently
    reliably seamlessly smoothly clearly
    """
)

# Verbs that name an effect on how others feel rather than something done.
VAGUE_VERBS = lexicon(
    """
    delights empowers inspires motivates energizes energises uplifts wows impresses excites
    """
)

# Verbs of mind or attitude: they describe what happens inside someone's head.
MENTAL_VERBS = lexicon(
    """
    understands understand knows know appreciates values believes cares embraces thinks
    feels wants strives aspires tries hopes wishes enjoys loves likes recognizes recognises
    grasps comprehends possesses exhibits displays shows demonstrates embodies has have is
    are be being remains stays seems appears empathizes empathises
    """
)

# Things a person produces or leaves behind: documents, outputs, systems, events.
ARTIFACTS = lexicon(
    """
    doc docs document documents documentation spec specs specification specifications prd
    prds brief briefs roadmap roadmaps plan plans proposal proposals report reports
    dashboard dashboards analysis analyses model models forecast forecasts budget budgets
    design designs mockup mockups prototype prototypes wireframe wireframes flow flows test
    tests code commit commits pull request requests pr prs rfc rfcs adr adrs postmortem
    postmortems post-mortem post-mortems retro retros retrospective retrospectives runbook
    runbooks release releases feature features launch launches experiment experiments survey
    surveys interview interviews presentation presentations deck decks demo demos memo memos
    email emails newsletter newsletters pipeline pipelines deal deals contract contracts
    quota campaign campaigns blog post posts article articles content writing written
    program programs programme programmes case study studies playbook playbooks policy
    policies handbook job description descriptions offer offers onboarding training
    trainings workshop workshops session sessions meeting meetings agenda agendas notes
    record records ticket tickets backlog backlogs story stories sprint sprints okr okrs kpi
    kpis metric metrics query queries notebook notebooks schema schemas api apis system
    systems architecture incident incidents invoice invoices reconciliation reconciliations
    close journal entries entry audit audits variance p&l headcount vendor vendors sla slas
    sop sops checklist checklists qbr qbrs renewal renewals escalation escalations account
    scorecard scorecards compensation benchmark benchmarks calibration review reviews 1:1
    1:1s one-on-one one-on-ones style guide guides component components library usability
    research persona personas journey map maps storyboard copy landing page pages website
    site ad ads messaging positioning pricing packaging forecasting estimate estimates
    timeline timelines milestone milestones requirements requirement bug bugs fix fixes
    patch patches migration migrations deployment deployments on-call rotation alert alerts
    monitoring etl dataset datasets table tables chart charts visualization visualisations
    hypothesis hypotheses a/b cohort segmentation insight insights finding findings
    recommendation recommendations summary summaries write-up write-ups writeup template
    templates framework frameworks guideline guidelines standard standards rubric rubrics
    ladder ladders job-description hiring loop loops headcount-plan org-chart offer-letter
    benefits payroll engagement exit investigation investigations cases grievance grievances
    agreement agreements statement statements ledger ledgers month-end quarter-end filing
    filings tax taxes accrual accruals cash spreadsheet spreadsheets purchase order orders
    shipment shipments inventory schedule schedules shift shifts route routes procedure
    procedures procurement rfp rfps sow sows kickoff kickoffs handoff handoffs handover
    queue queues macro macros knowledge-base faq faqs health score scores churn-risk call
    calls discovery territory territories sequence sequences cadence cadences outreach
    objection objections lead leads opportunity opportunities crm salesforce quote quotes
    code-review repo repository repositories libraries module modules endpoint endpoints
    test-suite ci build builds release-notes changelog changelogs usability-test research-
    plan interview-guide synthesis creative assets asset illustration illustrations icon
    icons accessibility microcopy token tokens
    """
)

# People the work is for or done with.
AUDIENCES = lexicon(
    """
    customer customers client clients user users stakeholder stakeholders peer peers team
    teams teammate teammates engineer engineers designer designers pm pms managers manager
    executive executives exec execs board investors investor partner partners vendor vendors
    supplier suppliers candidate candidates hire hires interns intern junior juniors reports
    report employee employees staff colleague colleagues coworker coworkers cross-functional
    sales marketing finance support legal auditor auditors prospect prospects buyer buyers
    account accounts audience audiences community mentee mentees recruiter recruiters
    analyst analysts developer developers cfo ceo cto cpo founders founder directors
    director newcomers newcomer agents agent reps rep squad squads
    """
)

# Words that make a result measurable.
MEASURES = lexicon(
    """
    revenue cost costs margin margins conversion retention churn nps csat latency uptime
    error rate rates cycle lead-time time-to-hire arr mrr win open ctr cac ltv sla slo slos
    kpi kpis okr okrs accuracy coverage deadline deadlines target targets quota quotas
    weekly monthly quarterly annually yearly daily biweekly fortnightly per percent
    percentage on-time budget within hours days weeks months quarter quarters sprint sprints
    once twice one two three four five six seven eight nine ten dozen half backlog
    throughput velocity attainment pipeline bookings savings spend forecast variance
    headcount attrition engagement score scores p95 p99 incidents defects bugs tickets
    response resolution date dates
    """
)

# Observable action verbs (third person, as statements are written).
ACTION_VERBS = lexicon(
    """
    writes presents runs leads facilitates ships delivers publishes documents reviews
    mentors coaches interviews builds designs tests measures tracks reports defines sets
    negotiates closes drafts prepares shares teaches trains hosts organizes organises
    resolves fixes deploys automates reconciles audits forecasts analyses analyzes proposes
    escalates maintains creates produces launches ranks prioritizes prioritises decides
    chooses explains breaks plans schedules sends replies answers calls visits hires
    onboards sources screens manages owns asks gives records logs files updates refactors
    migrates monitors investigates debugs triages estimates scopes sketches prototypes
    researches synthesizes synthesises segments models queries sells prospects qualifies
    demos renews upsells recruits pays approves allocates implements configures rolls speaks
    uses applies turns translates
    """
)

# Words that only say "more", "better" or "how often": removed before comparing levels.
DEGREE_WORDS = lexicon(
    """
    very highly more most less least increasingly consistently always often sometimes
    regularly usually frequently occasionally rarely significantly greater larger bigger
    smaller deeper broader stronger better best much many some few fully partially mostly
    largely generally typically routinely reliably occasional growing
    """
)

STOPWORDS = lexicon(
    """
    a an the and or of to in on for with by at from as into their his her its our your they
    them it this that these those who which when where while so than then is are be been
    being also
    """
)

EVIDENCE_KINDS = frozenset({"written_artifact", "decision_record", "360_input", "metric", "other"})

WORD = re.compile(r"[a-z0-9][a-z0-9&/:'’\-]*")
NUMBER = re.compile(r"\d|%|\bper cent\b")


def words(text: str) -> list[str]:
    return [w.strip("'’-") for w in WORD.findall(text.casefold())]


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def within(word: str, lexicon: frozenset[str]) -> bool:
    return word in lexicon or singular(word) in lexicon
