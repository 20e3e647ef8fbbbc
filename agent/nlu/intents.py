"""What the patient wants: intent patterns, clarification topics and the prompt-injection flag.

Patterns run on the cleaned text without punctuation (numbers still as words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.nlu.types import Intent


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


_VISIT_NOUN = (
    r"(?:appointment|appt|visit|checkup|physical|exam|vaccination|vaccine|shot|flu shot|"
    r"follow up|consultation|consult|slot|opening|time|check|booster|immunization)"
)
_BOOK = _rx(
    r"\b(?:book|schedule)\b(?! (?:it|that|this|that one|this one)\b)",
    r"\bmake (?:an?|another|a new) (?:appointment|appt|booking)\b",
    r"\b(?:set up|get|need|needs|want|wants|like|looking for|come in for|getting|needing)\b"
    rf"(?: \w+){{0,4}} (?:an?|another|new|some|one more) (?:\w+ ){{0,3}}?{_VISIT_NOUN}\b",
    r"\b(?:like|want|need) (?:to )?(?:come in|see (?:a|the|doctor|dr|someone))\b",
    r"\b(?:can|could|may) i (?:see|come in|come by|get in|book|schedule|make)\b",
    r"\b(?:can|could|may) (?:i|we) (?:get|have) (?:an?|in|another|some)\b(?: \w+){0,4} "
    rf"{_VISIT_NOUN}\b",
    r"\b(?:what|which) (?:times?|days?|slots?|openings?|appointments?|availability)\b"
    r"(?: \w+){0,3} (?:have|available|open|free|got)\b",
    r"\b(?:do you have|is there|are there|have you got|got) (?:any|anything|something|an?)?"
    r"(?: \w+){0,2} ?(?:openings?|availability|available|slots?|appointments?|times? free)\b",
    r"\b(?:is|are) (?:doctor \w+|the doctor|the nurse|dr \w+) (?:available|free|in)\b",
    r"\bwhen (?:can|could) i (?:come|get|be seen|see)\b",
    r"\bsee (?:a|the) (?:doctor|nurse)\b",
    r"\bto see (?:a |the )?(?:doctor|dr|nurse)\b",
    r"\b(?:openings?|availability)\b",
    r"\bwhat (?:do you have|have you got|is available|'s available|times are open)\b",
    r"\bdo you have (?:anything|something|any ?time|an? (?:opening|slot|appointment|time|spot))\b",
    rf"\bdo you have (?:an? |any )?(?:\w+ ){{0,2}}{_VISIT_NOUN}\b",
    r"\bregister\b",
    r"\b(?:need|want|like|have) to (?:get|be)(?: \w+){0,3} "
    r"(?:vaccinated|seen|checked out|checked)\b",
)
_RESCHEDULE = _rx(
    r"\bre ?schedul\w*\b",
    r"\brebook\w*\b",
    r"\b(?:move|change|switch|shift|push|bump|postpone) (?:back )?(?:my|the|our|his|her|an)"
    r" (?:existing |current )?(?:appointment|appt|visit|booking)\b",
    r"\bdifferent (?:time|day|date) for my (?:appointment|visit)\b",
    r"\bhave an? (?:appointment|appt|booking)\b.*\b(?:move|change|switch|push) (?:it|that)\b",
)
_CANCEL = _rx(
    r"\bcancel\w*\b",
    r"\bcall off\b",
    r"\b(?:won't|will not|can't|cannot|can not) (?:be able to )?make (?:it|my appointment)\b",
    r"\bdon't need (?:my|the) appointment\b",
)
_LOOKUP = _rx(
    r"\b(?:when|what time|what day) (?:is|was|are) (?:my|our|his|her) (?:next )?"
    r"(?:appointment|appt|visit|booking)s?\b",
    r"\bdo i (?:have|still have) (?:an?|any|my) (?:appointment|booking)s?\b",
    r"\b(?:check|look up|find|confirm|verify|check on) (?:on )?my (?:appointment|booking)s?\b",
    r"\b(?:tell me|list|read me|give me|show me|what are) (?:all )?(?:of )?my "
    r"(?:appointment|booking)s\b",
    r"\bwhat (?:appointment|booking)s? do i have\b",
    r"\bwhen am i (?:booked|scheduled|seeing|coming in|supposed to come)\b",
    r"\bis my appointment (?:still )?(?:on|at|for|booked|confirmed)\b",
    r"\b(?:calling|call|question) (?:about|regarding) (?:my|an existing) (?:appointment|booking)\b",
)
_HOURS = _rx(
    r"\bhours\b(?! ago)",
    r"\b(?:when|what time) (?:do|does|are|is) (?:you|y'all|the clinic|the office|it) ?"
    r"(?:guys )?(?:open|close|closed|closing)\b",
    r"\bare you (?:guys )?(?:open|closed)\b",
    r"\bis the (?:clinic|office) (?:open|closed)\b",
    r"\b(?:opening|closing) (?:time|times)\b",
    r"\bopen on (?:the )?(?:weekends?|saturdays?|sundays?)\b",
)
_ADDRESS = _rx(
    r"\baddress\b",
    r"\bwhere (?:are|is|'s) (?:you|the clinic|the office|your office|your clinic|it|that)\b",
    r"\bwhere(?:'s| is) (?:you|the clinic|the office)\b",
    r"\bwhere (?:are )?you (?:guys )?located\b",  # "where you located": STT drops the "are"
    r"\b(?:location|directions)\b",
    r"\bhow do i (?:get|find) (?:there|you|to you|to the clinic)\b",
    r"\bwhat street\b",
)
# Not a bare "park": it is also a surname ("Lucy Park").
_PARKING = _rx(
    r"\bparking\b",
    r"\bparked\b",
    r"\b(?:to|i|we|can|should|do) park\b",
    r"\bpark (?:my|the|a|our) (?:car|vehicle)\b",
    r"\bgarage\b",
)
_COPAY = _rx(
    r"\bcopay\b", r"\bco pay\b", r"\bcosts?\b", r"\bprices?\b", r"\bpricing\b",
    r"\bhow much\b", r"\bfees?\b", r"\bcharge\b", r"\bout of pocket\b",
    r"\b(?:do|will|would) i (?:have to )?pay\b", r"\bis it free\b",
)  # fmt: skip
_INSURANCE = _rx(
    r"\binsurance\b", r"\binsured\b", r"\binsurer\b", r"\bin network\b",
    r"\b(?:do|does) (?:you|the clinic|y'all) (?:take|accept)\b",
    r"\b(?:take|accept) (?:my )?(?:plan|coverage)\b",
)  # fmt: skip
_PROVIDERS = _rx(
    r"\b(?:which|what|who) (?:doctors?|providers?|physicians?|nurses?)\b",
    r"\bwho (?:are|is) (?:the|your) (?:doctors?|providers?|physicians?|nurse practitioner|"
    r"pediatrician|nurse)\b",
    r"\b(?:is|are) (?:doctor|dr|nurse) \w+ (?:a|an) (?:man|woman|male|female|good|new)\b",
    r"\btell me (?:more )?about (?:doctor|dr|nurse) \w+\b",
    r"\bwho (?:can|could|would) i (?:see|be seeing)\b",
    r"\b(?:doctors?|providers?) (?:do you have|are there|are available|work there)\b",
    r"\bdo you have (?:a|any) (?:pediatrician|family doctor|doctors?|nurse practitioner)\b",
)
_TRANSFER = _rx(
    r"\b(?:real|live|actual) (?:person|human|people|agent|receptionist|operator)\b",
    r"\b(?:talk|speak|speaking|talking|chat) (?:to|with) (?:a |an |the |some |somebody |someone )?"
    r"(?:someone|somebody|person|human|agent|receptionist|operator|staff|representative|rep|"
    r"manager|front desk|billing|people|office|anyone|doctor \w+|the doctor|a doctor|nurse)\b",
    r"\b(?:transfer|connect|put) me\b",
    r"\b(?:call me back|call back|callback|give me a call)\b",
    r"\b(?:human|operator|representative|receptionist|front desk)\b",
    r"^(?:an? )?agent(?: please)?$",
    r"\bagent please\b",
    r"\bspeak to an agent\b",
)
_AFFIRM_STRONG = _rx(
    r"^(?:yes|yeah|yep|yup|yah|ya|yea|yess|correct|that's correct|that is correct|"
    r"that's right|that is right|right|exactly|sure|absolutely|definitely|of course|"
    r"affirmative|certainly|indeed|please do|go ahead|go for it|sounds good|sounds great|"
    r"sounds perfect|that works|works for me|that's perfect|perfect|confirm|confirmed)\b(?! now)",
    r"\b(?:please confirm|confirm it|confirm that|confirm the|book it|book that|book this|"
    r"go ahead|that's right|that is right|that's correct|that is correct|sounds good|"
    r"that works|works for me|that's perfect|yes please|do it|let's do it|let's do that|"
    r"that'd be great|that would be great|that's fine|that is fine|that's good|all good|"
    r"i'll take it|lock it in)\b",
)
_AFFIRM_WEAK = re.compile(
    r"^(?:okay|ok|alright|all right|mhm|mm hmm|uh huh|fine|great|good|cool|got it|"
    r"okay then|ok then|sure thing|that's okay|i guess so|i think so|yes i think so)"
    r"(?: (?:please|then|thanks|thank you))?$"
)
_WAIT = re.compile(
    r"\b(?:hold on|hang on|one moment|one sec|one second|just a (?:second|sec|moment|minute)|"
    r"give me a (?:second|sec|moment|minute)|let me (?:think|check|see|look|find|get)|"
    r"wait a (?:second|sec|moment|minute))\b"
)
_ACK = re.compile(
    r"^(?:(?:okay|ok|alright|all right|mhm|mm hmm|uh huh|hmm|fine|great|good|cool|got it|"
    r"i see|thanks|thank you|thank you so much|thanks a lot|great thanks|okay thanks|"
    r"ok thank you|okay thank you|perfect thanks|good to know|understood|noted)\s*)+$"
)
_DENY = _rx(
    r"^(?:no|nope|nah|no no|negative|not really|not quite|wrong|incorrect|not correct|"
    r"that's wrong|that is wrong|that's not right|that is not right|that's incorrect|"
    r"that's not correct|that isn't right|no thanks|no thank you)\b"
    r"(?! problem| worries| worry)",
    r"\b(?:that's wrong|that is wrong|that's not right|that is not right|that's incorrect|"
    r"that isn't right|that's not correct|don't book|do not book|don't confirm|"
    r"do not confirm|not that one)\b",
    r"^not (?:that|this|the \w+)(?: one)?\b",
    r"^not\b(?! sure| yet| really sure)",
    r"\b(?:doesn't|does not|won't|will not) work\b",
    r"\b(?:that's|that is|is) no good\b",
    r"\bcan't (?:do|make) (?:that|then|those)\b",
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|hi there|"
    r"hello there|hey there|yes hello|oh hi)\b"
)
_GOODBYE = _rx(
    r"\b(?:bye|goodbye|good bye|bye bye|see you|see ya|take care|talk to you later|"
    r"have a (?:good|nice|great|lovely) (?:day|one|afternoon|evening|weekend))\b",
    r"\b(?:that's all|that is all|that's it|that will be all|that'll be all|nothing else|"
    r"that's everything|i'm all set|i'm done|i am done|all set|hang up)\b",
)
_SPELL = _rx(
    r"\b(?:how (?:do|would|did) you spell|can you spell|could you spell|please spell|"
    r"spell (?:that|it|the|his|her|their|your|out)|spell it back)\b",
)
_REPEAT = _rx(
    r"\b(?:repeat|say (?:that|it|this) again|say again|come again|pardon|"
    r"didn't (?:catch|hear|get|understand) (?:that|it|you|what)|one more time|"
    r"what did you say|what was that|what did you just say|could you say that|"
    r"what do you mean|i don't understand|don't know what you mean|didn't understand|"
    r"go over (?:that|it) again|once more|sorry what|excuse me)\b",
    r"^(?:what|sorry|huh|excuse me|pardon|pardon me|sorry what|come again|hmm what|eh)$",
)
_CLARIFY_ABOUT = _rx(
    r"\b(?:what|how much) (?:did|was|were|do) (?:you|that|it)(?: just)? "
    r"(?:say|said|tell me|mention)\b(?: \w+){0,4} (?:about|regarding|for|on|was)\b",
    r"\bwhat was (?:that|it) (?:about|regarding)\b",
    r"\bwhat (?:was|were|is) (?:the|that)\b(?: \w+){0,2} (?:again|you (?:said|mentioned))\b",
    r"\b(?:repeat|say again|go over|tell me again|remind me(?: of)?)\b",
    r"\bwhat (?:time|day|date|address|copay|price) did you (?:say|mention)\b",
    r"\bsorry what(?: was)? (?:the|that)\b",
    r"\bdid you say\b",
    r"\b(?:say|tell me|give me) (?:the|that|your) (?:\w+ ){0,2}again\b",
    r"\bwhat's (?:the|that|your) (?:[\w']+ ){0,2}again\b",
    r"\b(?:which|what) (?:\w+ )?(?:was|is) (?:that|it)(?: again)?\b",
    r"\bwhat (?:\w+ )?did you (?:say|mention)\b",
)
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("copay", re.compile(r"\b(?:copay|co pay|out of pocket)\b")),
    ("price", re.compile(r"\b(?:price|prices|cost|costs|how much|fee|fees|charge|pay)\b")),
    ("hours", re.compile(r"\b(?:hours|open|opening|close|closing|closed)\b")),
    ("address", re.compile(r"\b(?:address|where|location|street|directions)\b")),
    ("parking", re.compile(r"\bpark(?:ing)?\b")),
    ("insurance", re.compile(r"\b(?:insurance|insurer|plan|coverage|network)\b")),
    ("provider", re.compile(r"\b(?:doctor|doctors|provider|providers|who|nurse|physician)\b")),
    ("time", re.compile(r"\b(?:time|times|what time|o'?clock|oclock)\b")),
    ("date", re.compile(r"\b(?:date|day|days|which day|when)\b")),
    ("name", re.compile(r"\b(?:name|spelling)\b")),
)
_SUSPICIOUS = _rx(
    r"\b(?:ignore|disregard|forget|override|bypass) (?:all |any |your |the |previous |prior |"
    r"earlier |above |those |these |my )*(?:instructions?|rules|prompts?|programming|guidelines|"
    r"directives|system|restrictions|policies)\b",
    r"\bsystem prompt\b",
    r"\byou are now\b",
    r"\b(?:developer|admin|administrator|god|debug|maintenance) mode\b",
    r"\b(?:all|every|everyone's|everybody's|other (?:patients|people)'?s?) (?:the )?"
    r"(?:bookings|appointments|records|patients|data)\b",
    r"\b(?:delete|drop|wipe|erase) (?:the |all |your )?(?:database|data|records|table)\b",
    r"\bpretend (?:to be|you are)\b",
    r"\bact as\b",
    r"\bsudo\b",
    r"\bforget everything\b",
    r"\b(?:admin|administrator|root|staff|database) (?:access|rights|privileges|password|login)\b",
)
_GREETING_ONLY = re.compile(r"^(?:good )?(?:morning|afternoon|evening)$")


@dataclass(frozen=True)
class IntentReading:
    intents: frozenset[Intent]
    topic: str | None
    suspicious: bool


def _topic(plain: str) -> str | None:
    for topic, rx in _TOPICS:
        if rx.search(plain):
            return topic
    return None


def read_intents(plain: str, expecting: str | None) -> IntentReading:
    """Intents of one utterance; `plain` has no punctuation and lower-case words."""
    found: set[Intent] = set()
    if _GREETING.search(plain) or _GREETING_ONLY.match(plain):
        found.add(Intent.GREETING)
    for intent, rx in (
        (Intent.CANCEL, _CANCEL),
        (Intent.RESCHEDULE, _RESCHEDULE),
        (Intent.LOOKUP, _LOOKUP),
        (Intent.TRANSFER, _TRANSFER),
        (Intent.ASK_HOURS, _HOURS),
        (Intent.ASK_ADDRESS, _ADDRESS),
        (Intent.ASK_PARKING, _PARKING),
        (Intent.ASK_COPAY, _COPAY),
        (Intent.ASK_INSURANCE, _INSURANCE),
        (Intent.ASK_PROVIDERS, _PROVIDERS),
        (Intent.GOODBYE, _GOODBYE),
        (Intent.SPELL_REQUEST, _SPELL),
    ):
        if rx.search(plain):
            found.add(intent)
    if (
        Intent.RESCHEDULE in found
        and re.search(r"\bcancel\w* (?:and|then) (?:re)?book", plain) is None
    ):
        found.discard(Intent.CANCEL) if re.search(r"\breschedul", plain) else None
    if not found & {Intent.CANCEL, Intent.RESCHEDULE, Intent.LOOKUP} and _BOOK.search(plain):
        found.add(Intent.BOOK)
    if Intent.ASK_PARKING in found and not re.search(r"\bco ?pay|\bvisit|\bcheckup", plain):
        found.discard(Intent.ASK_COPAY)  # "how much does parking cost" is about parking
    if Intent.TRANSFER in found:
        # "speak to someone about the copay" is a request for a person, not a question.
        found -= {Intent.ASK_COPAY, Intent.ASK_INSURANCE, Intent.BOOK}
    topic: str | None = None
    if _CLARIFY_ABOUT.search(plain):
        topic = _topic(_strip_clarify_lead(plain))
        if topic is not None:
            found.add(Intent.CLARIFY)
            found -= {
                Intent.ASK_COPAY, Intent.ASK_HOURS, Intent.ASK_ADDRESS, Intent.ASK_PARKING,
                Intent.ASK_INSURANCE, Intent.ASK_PROVIDERS, Intent.BOOK,
            }  # fmt: skip
    if Intent.CLARIFY not in found and _REPEAT.search(plain) and not found - {Intent.GREETING}:
        found.add(Intent.REPEAT_REQUEST)
    confirming = expecting == "confirmation"
    if _AFFIRM_STRONG.search(plain) or (confirming and _AFFIRM_WEAK.match(plain)):
        found.add(Intent.AFFIRM)
    elif _ACK.match(plain) or (_WAIT.search(plain) and not found - {Intent.GREETING}):
        found.add(Intent.ACK)  # includes "hold on, let me check": the agent should wait
    if _DENY.search(plain) and not re.search(r"\bno (?:problem|worries|worry)\b", plain):
        found.add(Intent.DENY)
        if re.match(r"^(?:no|nope|nah)\b", plain):
            found.discard(Intent.AFFIRM)
    if Intent.GOODBYE in found and re.match(r"^(?:no|nope|nah)\b", plain):
        found.discard(Intent.DENY)  # "no, that's all"
    return IntentReading(frozenset(found), topic, _SUSPICIOUS.search(plain) is not None)


def _strip_clarify_lead(plain: str) -> str:
    """Drop the "what did you say" part so its words ("say") don't pick the topic."""
    return re.sub(
        r"\b(?:what|did|you|say|said|was|that|about|sorry|again|repeat|can|could)\b", " ", plain
    )


_ANY_TIME = re.compile(
    r"\b(?:any ?time|whatever works|whatever you have|whenever|doesn't matter|does not matter|"
    r"don't mind|do not mind|no preference|either (?:is fine|one|works|way|is good)|whichever|"
    r"i'm flexible|i am flexible|i'm easy|anything (?:works|is fine|is good|is okay)|"
    r"any (?:day|slot|one|of them) (?:is fine|works|is good)|earliest available|"
    r"first available|soonest (?:available|possible)|as soon as possible|asap|"
    r"don't care|open schedule|earliest possible|soonest)\b(?! who| which doctor)"
)
_ANY_PROVIDER = re.compile(
    r"\b(?:any (?:doctor|provider|physician)|anyone|anybody|whoever|whichever doctor|"
    r"(?:doesn't|does not|don't) (?:matter|care|mind) (?:who|which doctor)|"
    r"no preference (?:for|on) (?:the )?(?:doctor|provider)|any of them)\b"
)


def wants_any_time(plain: str) -> bool:
    """ "any time is fine", "whatever works", "as soon as possible"."""
    return _ANY_TIME.search(plain) is not None


def wants_any_provider(plain: str) -> bool:
    """ "any doctor is fine", "whoever is available"."""
    return _ANY_PROVIDER.search(plain) is not None
