#!/usr/bin/env python3
"""Write the sample archive's documents: ``python scripts/make_sample_documents.py``.

The five source pages the sample archive was made from list documents (a data
file, a toolkit, an end-of-project report form, two infographics, a slide set)
whose files were not captured. This script writes stand-in PDFs for them under
``resources/``, each saying plainly that it is a reconstruction for the sample
archive and carrying the archived page's own text about that document, plus a
placeholder SVG for the painting credited on two project pages.

The output is deterministic: a fixed creation date and no randomness, so running
the script twice gives byte-identical files. Needs fpdf2 (``pip install fpdf2``)
and the DejaVu Sans TrueType fonts (Debian/Ubuntu package ``fonts-dejavu-core``),
which cover the £, ’, ‐ and • characters in the source text.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
RESOURCES = os.path.join(ROOT, "resources")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_REGULAR = os.path.join(FONT_DIR, "DejaVuSans.ttf")
FONT_BOLD = os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")
CREATION_DATE = datetime(2020, 1, 1, 0, 0, 0, tzinfo=UTC)
ARCHIVE = "Project Resource Library: sample archive"
RECONSTRUCTION = (
    "This PDF is a reconstruction made for the sample archive from the archived text of the "
    "original page or form. The original file was not captured; what follows is that text's "
    "own wording about it, with its spelling unchanged."
)

try:
    from fpdf import FPDF
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("make_sample_documents: fpdf2 is not installed; run: .venv/bin/pip install fpdf2")


class Document(FPDF):
    """An A4 PDF with DejaVu Sans and a few block helpers."""

    def __init__(self, title: str, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_creation_date(CREATION_DATE)
        self.set_title(title)
        self.set_subject(subject)
        self.set_author(ARCHIVE)
        self.set_creator("scripts/make_sample_documents.py")
        self.set_lang("en-GB")
        self.add_font("DejaVu", "", FONT_REGULAR)
        self.add_font("DejaVu", "B", FONT_BOLD)
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)
        self.doc_title = title
        self.add_page()

    def header(self) -> None:
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, ARCHIVE + " (reconstruction)", align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.doc_title}, page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def title_block(self, what: str, context: str) -> None:
        self.set_font("DejaVu", "B", 18)
        self.multi_cell(0, 9, self.doc_title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font("DejaVu", "", 11)
        self.multi_cell(0, 6, what, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font("DejaVu", "", 10)
        self.set_text_color(70, 70, 70)
        self.multi_cell(0, 5.5, context, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(4)
        self.set_fill_color(240, 240, 240)
        self.set_font("DejaVu", "", 10)
        self.multi_cell(
            0, 5.5, RECONSTRUCTION, border=1, fill=True, padding=3, align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.ln(6)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", 12)
        self.multi_cell(0, 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: float = 10.5) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def items(self, entries: list[str], numbered: bool = False, indent: float = 6) -> None:
        self.set_font("DejaVu", "", 10.5)
        for i, text in enumerate(entries, 1):
            mark = f"{i}." if numbered else "•"
            self.set_x(self.l_margin + indent)
            self.cell(7, 5.5, mark)
            self.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(1)
        self.ln(1)

    def save(self, relpath: str) -> str:
        path = os.path.join(RESOURCES, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.alias_nb_pages()
        self.output(path)
        return relpath


# --- Increasing the Take-Up of Work Based Learning (LSC Data) -------------------------------

WBL_TITLE = "Increasing the Take-Up of Work Based Learning Provision for Learners with Mental Health Difficulties"
WBL_DATES = "Date From/To: 1 April 2009 - 31 March 2010"


def lsc_data() -> str:
    doc = Document("LSC Data", "LSC data for Train to Gain, Apprenticeships and NVQ's")
    doc.title_block(
        "The document listed as “LSC Data (pdf)” under Documents on the project page.",
        f"Project: {WBL_TITLE}. {WBL_DATES}",
    )
    doc.para(
        "This project has worked with a range of work based learning (WBL) providers: colleges, "
        "private providers, local authority, voluntary and NHS organisations to find ways of "
        "increasing the quantity and quality of the provision that is offered to learners with "
        "mental health difficulties."
    )
    doc.heading("What are we aiming to achieve?")
    doc.items(
        [
            (
                "Establishing the baseline for present provision through LSC data for Train to Gain, "
                "Apprenticeships and NVQ's and through a survey of present learning providers."
            ),
            (
                "Tracking what can be done to improve services to learners and potential learners "
                "through actions like: improved assessment of learners, increased support for "
                "learners, increased opportunities for training and placements."
            ),
        ],
        numbered=True,
    )
    doc.heading("What have we accomplished to date?")
    doc.para("LSC data collected and survey completed")
    doc.para("The regional case studies will be completed by March 2010")
    doc.heading("Documents")
    doc.para("LSC Data (pdf)")
    return doc.save("lsc-data/lsc-data.pdf")


# --- Take Ten People (toolbox and training pack) -------------------------------------------

TTP_TITLE = (
    "Take Ten People: Integrating employment, learning and skills for people who have "
    "experience of mental health difficulties"
)
TTP_DATES = "Date From/To: 1 April 2009 - 31 March 2010"
TTP_INTRO = (
    "Take Ten People promotes and supports an integrated approach to employment and learning "
    "and skills with adults who have experience of mental health difficulties.  It is a "
    "collection of resources for use in different ways:  As tools to support practitioners in "
    "their work with individuals; and to support their personal professional development; as "
    "resources to support local cross-sector joint working and as a training pack for "
    "organisations and/or partnerships to use for workforce development."
)
TTP_WHO = [
    (
        "To support managers and practitioners to work more confidently with people experiencing "
        "mental health difficulties who face multiple barriers to participate in learning and "
        "employment."
    ),
    (
        "It is relevant to all organisations that deliver information, advice and guidance "
        "services in employment, education, health and social care settings; and as a workforce "
        "training resource to improve the quality of current practice and promote greater "
        "understanding of cross-sector collaboration."
    ),
    (
        "We particularly hope this pack helps staff working in Integrated Employment and Skills "
        "pilot services and the Adult Advancement and Careers Service.  It will also be useful for "
        "skills brokers, in services for people with dual diagnosis and those in the criminal "
        "justice system.  It can also support people in other vulnerable groups of adults, such as "
        "those with learning difficulties, who may also have mental health difficulties."
    ),
]


def take_ten_people_toolbox() -> str:
    doc = Document("Take Ten People: Toolbox", "One resource from the Take Ten People resource pack")
    doc.title_block(
        "The Take Ten People toolbox, one resource from the Take Ten People resource pack.",
        f"Project: {TTP_TITLE}. {TTP_DATES}",
    )
    doc.para(TTP_INTRO)
    doc.heading("What have we accomplished to date?")
    doc.para(
        "We can report that many people are expressing an interest in this resource, which has "
        "been developed and refined in partnership with practitioners and people with personal "
        "experience of mental health difficulties."
    )
    doc.para(
        "In January 2010 one resource form the pack, the Take Ten People toolbox, was "
        "successfully used by the North East Mental Health Regional Employment Team as a tool to "
        "promote sub-regional and local cross-sector working amongst information and advice "
        "practitioners."
    )
    doc.para(
        "The page also showed an image captioned “Take Ten People - Toolbox front cover”; the image was not captured.",
        size=9.5,
    )
    doc.heading("Who is this work for?")
    doc.para(TTP_WHO[0])
    return doc.save("take-ten-people/toolbox.pdf")


def take_ten_people_training_pack() -> str:
    doc = Document("Take Ten People: Training pack", "The training pack in the Take Ten People resource pack")
    doc.title_block(
        "The Take Ten People training pack, for organisations and/or partnerships to use for workforce development.",
        f"Project: {TTP_TITLE}. {TTP_DATES}",
    )
    doc.para(TTP_INTRO)
    doc.heading("Who is this work for?")
    for text in TTP_WHO:
        doc.para(text)
    doc.heading("What is coming next?")
    doc.para(
        "Once published we will disseminate Take Ten People in partnership with service "
        "providers.  We are offering a support programme that will enable the resource pack to "
        "be used to deliver workforce training, support local partnership working and be "
        "available as a practical tool for relevant frontline workers."
    )
    return doc.save("take-ten-people/training-pack.pdf")


# --- Q Training Ltd: LSIS end-of-project report form ---------------------------------------
# Each entry: (question lines: the question, then the form's prompts), answer lines ("" = gap).

FORM = [
    (
        ["Provider and project name"],
        [
            "Q Training Ltd",
        ],
    ),
    (
        [
            "Contact person",
            "(Please include an email address or telephone number if you are happy to be contacted by other providers)",
        ],
        [
            "David Mortimer",
            "",
            "5 Bassey Road, Rackheath, Norfolk, NR13 6PZ.  david.mortimer@qtraining.net  07710438060 or  01376 348704",
        ],
    ),
    (
        ["Briefly outline the aim and scope of your project"],
        [
            "Embedding learning in everyday activity for disadvantaged groups.",
        ],
    ),
    (
        ["What was the main issue or problem the project was trying to resolve?"],
        [
            "Stemming from our FIF3 project with the elderly and will embed economically and social useful learning and development activities within the daily activity of people supporting the learning difficulties, mental health clients and youngsters in hostels.",
            "",
            "Support workers will be trained how to help these groups  develop literacy, numeracy, employability, interview and ICT skills, build CVs and self confidence to provide an entry point to employment.",
            "",
            "Support workers will also learn to work with their clients to use open source web based materials both as learning tools and for general developmental activities.",
            "",
            "Some of this support is available generally (IAG, Jobcentre plus etc) but barely accessible to these groups and then only ad hoc with little consistency hence the need to embed it in their environments.",
        ],
    ),
    (
        ["Which organisations were in the partnership and what were their specific roles?"],
        [
            "Q Training Ltd, 5 Bassey Road, Rackheath, Norfolk, NR13 6PZ    Lead partner",
            "",
            "Braintree Enterprise Agency, Corner House, Market Place",
            "Braintree, Essex, CM7 3HQ  Referral source",
            "",
            "Results Consortium, Melville House, High Street, Great Dun mow, Essex, CM6 1AF Referral source.",
            "",
            "CTS Ltd, 25 Anson Way, Braintree, Essex, CM7 9TN Training partner.",
            "",
            "QCH Ltd, Brooklet House, 122 Newland Street, Witham, CM8 1BA, 01376 517080  Referral source",
            "",
            "Augusta Partnership, 3 Augusta Street, Sheringham, Norfolk, NR26 8LA, 01263 825889  Referral source",
        ],
    ),
    (
        [
            "What are the main outputs of the project?",
            "For example:",
            "· If the project included an event, how many people attended?",
            "· If the project included training, how many people were trained?",
            "· Were any resources, materials or reports produced (include web links if available)?",
        ],
        [
            "33 Support / key workers in mixed care settings trained & in training (85 days training delivery rather than 48).",
            "",
            "41 Service users of mixed ages (data collection was not possible) and one mental health service user received documented training / personal development sessions delivered by the support & key workers above.  41 days.",
            "This is ongoing in 6 residential care settings (approximately 50 service users and one housing association (approximately 300 service users and residents.)  Assuming 0.2 days each = 70 days.",
            "3 adults in Residential mental health have participated in formal training and received further long term embedded activity as a follow up to this.  15 days.",
            "3 Young adults (16-18) with learning difficulties undergoing embedded activity (long term activity); below target for end January. 54 days",
            "1 88 year old lady has received additional ICT training and ongoing support after referral from UK ONLINE. 1 day.",
            "This is a total of 81 documented beneficiaries against a target of 80 with 267 days of training against a target of 240...",
            "This has been delivered across 6 residential settings for learning difficulties, one community setting, one housing association and two domestic settings.  This is a total of 10 organisations or sites against a target of 8.",
        ],
    ),
    (
        [
            "What are the main impacts and outcomes of the project?",
            "For example:",
            "· a change in behaviour by learners or staff",
            "· a removal of barriers to learning",
            "· an impact on the community",
            "· changes affected by senior managers",
            "· changes for the organisation",
            "Please also specify whether these are actual or expected",
        ],
        [
            "Set against the target impact measure s and outcomes:",
            "",
            "1: Embed learning and development support skills and activities within the day to day activities of support workers so that they are equipped to help and advise service users with their own personal development.  A total of 20 support workers across 8 organisations will be beneficiaries.",
            "",
            "Greater than 100% achievement.",
            "",
            "2: Embed the following curriculum areas within the care setting: ICT, advice & guidance, locating and  using open source web based materials, literacy support, numeracy support, interview skills, employability skills, CV building and general confidence building for a total of 60 beneficiaries.",
            "",
            "This has been achieved except for literacy support, numeracy support, interview skills, employability skills & CV building due to the relative lack of uptake by hostels and mental health support services.",
            "",
            "3: Demonstrate that this can be taken up as part of main stream care activities in these settings.",
            "",
            "This has been demonstrated by the uptake and activity within the project.  It is the writers viewpoint however that in approximately 1/3rd of cases this will not be sustained with participant organisations treating this as a quick fix rather than a sustained activity.",
            "4: Support and promote the independence of service users by providing access to learning and development opportunities.",
            "See 3 above.  Alongside this we have offered training courses in some areas  we train staff ,several homes have taken this up and we have trained ,first aid, infection control and basic food hygiene and have had some valuable evaluations and most people staff, managers and service users feel this is such a good idea and hope they can do some more training",
            "5: Increase the overall uptake of ICT by these groups.",
            "In almost all cases demand, once stimulated exceeds supply.  Service users are extremely eager to use ICT as it offers possibly their only regular means of communication and independent interaction with the outside world.",
            "6: Support a proportion of service users (10% in the first instance = 6) move from a fully supported service to one where they have developed a level of personal independence such as entering employment.",
            "We have achieved this with 4 beneficiaries; the shortfall from the target of 6 is due to the relatively low uptake form mental health services.",
            "7: Provide employment and work experience or mainstream education opportunities for 15 beneficiaries.",
            "We have achieved this with 4 beneficiaries; the shortfall from the target of 15 is due to the relatively low uptake form mental health services.",
            "8: Provide a platform for all service users to move into work experience, employment or further learning.",
            "See 6 and 7 above. Alongside this we are delivering NVQ L2 to a young lady who has learning difficulties, also a volunteer who has recently moved from a hostel and a further lady who has moved from being in care to live alone and work in residential home.",
            "We are also delivering foundation in food hygiene to 4 adults with learning difficulties with a view to help them into employment.",
            "9: Reduce the number of observation visits for NVQs in these settings from 6-9 to 4-6.",
            "This has been achieved in trials within the project but it is too early to provide any level of quantitative data.  It has been noted that within the lead organisation there is staff resistance to implementing these changes.  While understandable this is surprising given the nature of the lead partner and it does show that any changes in working practice can be difficult to overcome.  This is being addressed at present.",
            "10’ Reduce the average assessor time taken for level 2 and 3 NVQ deliveries from 22.5 to 19 hours.",
            "",
            "11: Produce a transferrable model of excellence that can be implemented in other settings and sectors.",
            "This has been achieved and demonstrated, see however 3 above and following sections.",
            "We also have session plans for training delivered to service users",
            "12: Ensure added value to participating organisations in order to ensure sustainability after project end.",
            "See 3 above.",
            "13: Develop and foster a demand for qualifications such as NVQs in learning and development and advice and guidance or PTLLS within these settings which will further ensure sustainability.   10 beneficiaries.",
            "This target has been reached and exceeded:",
            "",
            "PTTLS: 7 with a similar amount pending.",
            "",
            "Intermediate Food Hygiene: 3",
            "",
            "IAG: 1",
            "",
            "NVQ  3",
            "14: Engage with 8 organisations in the local community as beneficiaries.",
            "Exceeded.",
            "15: promote the project and its outcomes to 30 organisations within the local community and 30 training organisations.",
            "Exceeded.",
        ],
    ),
    (
        ["When do you expect to see the main impacts, outputs and outcomes of the project to be realised?"],
        [
            "With the exception of NVQ delivery efficiency these have already been achieved, demonstrated and enacted.  It will be simple though hard work to ensure those NVQ outcomes are realised within the lead partner.  It will take around 2 years to roll these improvements out through the sector skills council, networks, the NSA and ACTAN.",
        ],
    ),
    (
        [
            "How many learners did the project have an impact on, and what was the impact?",
            "How many of them were from the equality groups you aimed to benefit?",
        ],
        [
            "See the preceding sections regarding beneficiary numbers.",
            "Beneficiary organisations and individuals have been marginally excluded.",
            "",
            "Individual beneficiaries are over represented for support workers and people with learning difficulties and under represented in mental health and hostel residents.",
        ],
    ),
    (
        ["How did working with LSIS impact on your organisation/partnership?"],
        [
            "We are used to working with LSIS is a variety of formats.",
            "",
            "Working with lsis enables us to grow and evolve and having lsis to help us with this, gives us a support that helps us to move and grow.",
        ],
    ),
    (
        [
            "How did the project represent good value for money?",
            "For example:",
            "· Did partnership working enable efficiencies?",
            "· Did the project create savings for the wider community, for example public health, crime prevention, or community cohesion?",
        ],
        [
            "This project is good value for money and from evaluations it is apparent it could be a longer term project that expands in many of the areas we have delivered.",
            "We had 11 beneficiary care organisations and six partners involved in the project.",
            "With an LSIS contribution of £25,000 this equates to £1,785.71 per organisation.",
            "",
            "This delivered at least 240 days of training at a cost of £93.63 per person per day.",
            "Considerably over 50% was to to those disadvantaged groups that mainstream training and education finds so difficult to access.",
            "These exceed project targets.",
            "This is purely within the life of the project and does not consider the amount of sustained activity after the project lifecycle.",
            "",
            "More pertinently it does not measure the long term social and economic benefit or any improvement the quality of life for the beneficiaries.",
            "",
            "If the project activities stopped at April 2011 and were disseminated no further but has merely four  people to move into a less supported care environment or into employment  through better access to education and training one could expect a drop in the care costs from medium dependency (typically £1100ppn paw) to low dependency  (typically 1100ppn paw).",
        ],
    ),
    (
        ["How did you involve senior managers in your project?"],
        [
            "The project lead and project manager are senior and middle managers respectively.  They used existing contacts to involve senior managers from partner and beneficiary organisations.",
        ],
    ),
    (
        [
            "Apart from partnership members, were other stakeholders involved in your project and what role did they play?"
        ],
        [
            "See dissemination section; we have used a number of contact organisations to help us disseminate the project.",
            "The National skills academy provided advice in bidding for and setting the project up.",
        ],
    ),
    (
        ["If learners were involved in planning and delivering the project, please specify how, and how many."],
        [
            "2 learners were consulted as part of project application and planning.",
        ],
    ),
    (
        ["How have you raised awareness about the project and how have you disseminated the findings?"],
        [
            "Elate Training LSIS FIF project meeting.10th May.    6 Organisations, 8 people.",
            "260-264 Kingsland Road, London, E8 4DG, 0207 275 6770.",
            "",
            "Mymar Training Consortium.   13th May.  7 organisations, 12 people.",
            "2 High Street Royal Oak Passage, Huntingdon, Cambridgeshire PE29 3EA",
            "",
            "01480 414188",
            "",
            "JISC E learning forum 17/05/11 College of West Anglia, Tennyson Avenue, Kings Lynn, Norfolk PE 20 2QW, 01553 764902.  The finding\xa0will also be\xa0disseminated by COWA internally to senior and middle managers.  C12 Organisations c. 25 People.",
            "CIEH Trainers Exchange; dates and venues 2011 TBC.   Each will represent around 15-20 organisations and 20-40 individuals.",
            "",
            "Care Norfolk Brokerage, 3 Augusta Street, Sheringham, Norfolk, NR26 8LA, 01263 825889.  Circulated through trainer’s network to up to 30-35 organisations.",
            "Awareness has also been raised within care settings visited and by talking with NVQ candidates",
        ],
    ),
    (
        ["Will the project continue after LSIS funding has stopped and how will this be achieved?"],
        [
            "This revolves around the original risk assessment.  What could go wrong;",
            "1:  Poor selection and provision of support staff as beneficiaries.",
            "",
            "2:  Poor selection and provision of clients as beneficiaries.",
            "",
            "3: A lack of willingness by Care providers to help clients develop independence, move on and deliver a service requiring less support.",
            "",
            "4: Drop off of the project activity as support from the program ends.",
            "",
            "5: Beneficiary organisations seeing this as a” freebie” of low intrinsic value or short term opportunity.",
            "",
            "Item 1 was not an issue but the other 4 were.  Though overcome these panned out through organisations falling into 3 roughly equal groups.",
            "",
            "1: A lack of promised or potential engagement.  This is not a problem, move onto someone else.",
            "",
            "2: Highly motivated with long term strategies that see the project as supporting these; the winners that value embedding skills within the organisation.",
            "",
            "3: Those organisations seeing involvement as a quick fix with no demonstrable commitment to long term development of their clients.",
            "",
            "Group 3 represented about 1/3rd of the project numbers but around half of the operational delivery.  This is despite clear briefings and long standing relationships.",
            "",
            "Put sanguinely about 50% of operational output will not have long term sustainability so trying to do good things is almost as bad as delivering apprenticeships!",
        ],
    ),
    (
        [
            "Did you encounter any difficulties in implementing this project?",
            "For example:",
            "· Lack of learner engagement",
            "· Staff resistance",
            "· Lack of full engagement from partnership members",
            "How did you overcome any difficulties?",
        ],
        [
            "Yes we did come across some difficulties...",
            "Of the two Hostels originally identified as beneficiary organisations one simply declined to respond to contact.  The other rejected the training opportunities on the basis that staff did not have time to attend nor was it of benefit to equip staff with skills that could be passed on to service users.",
            "",
            "This was mirrored in two mental health and one learning difficulty service providers",
            "Timescales was a difficulty as when the service was offered we had so many homes wanting us to return to do more work with their service users and staff, commenting on how well they have done and how it has caused so much conversation within the home...",
            "Jobcentre plus did not feel it was their role to get involved in the project and, ipso facto, promote equality and diversity.",
            "",
            "Connexions were keen to get involved but the local authority in question felt there were too many projects like this and therefore declined. This could also have been an issues with lack of government funds for connexions this on the whole they are struggling to keep afloat and they are assessing their service at present.",
        ],
    ),
    (
        [
            "What lessons did you learn from the project relevant for other learning and skills providers?",
            "For example:",
            "· Should the project be repeated elsewhere?",
            "· If you started the project knowing what you do now, would you do anything differently?",
        ],
        [
            "Sadly the weather can be a factor as with the snow it was at points hard to get to appointments and also for homes to allow us due to staff shortage.",
            "There is so much scope for this project to be expanded and grow within the care field offering a equal partnership in some ways between staff and service users i.e. offering training that can be completed by all...  thus aiding staff to complete their job role and service users to gain skills to enable them to find work placements.",
            "This would enable a great sense of worth and self esteem while also embedding learnt skills.",
            "",
            "LSIS timescales are short; more could be achieved more easily for the same money with longer timescales. Given the time to plan and offer this service to more homes would increase the amount of areas you could disseminate to.",
            "If we were to do this project again we would be even more careful about beneficiary selection, look at ways that we get written agreements from them prior to beginning.",
            "We would also be even more open minded to just how much disadvantage individuals can achieve given the opportunity. And we would promote these skills and abilities, this project could again be expanded by assisting those who live in care settings (vulnerable) find work placements and then complete further training and go on to seek active work, this in itself is full time project.",
            "This project has enabled us to show service users and others how valuable they are and how delivering trainng to them as equals has improved their skills and relationships within the homes they live.",
        ],
    ),
    (
        ["Additional comments"],
        [
            "This project although somewhat short has been welcomed by service users,managers and care staff .we have had numerous coments on what a productive project that has enabled many people to enrich their lives and enable them to learn .",
        ],
    ),
]


def q_training_report() -> str:
    doc = Document(
        "LSIS end-of-project report: Q Training Ltd",
        "Embedding learning in everyday activity for disadvantaged groups",
    )
    doc.title_block(
        "The Learning and Skills Improvement Service (LSIS) end-of-project report form for "
        "“Embedding learning in everyday activity for disadvantaged groups”, completed by "
        "Q Training Ltd: every question of the form with its answer.",
        "The form is headed LEARNING AND SKILLS IMPROVEMENT SERVICE and carried two images "
        "(image1.jpg, image2.jpg) that were not captured.",
    )
    for question, answer in FORM:
        doc.heading(question[0])
        for line in question[1:]:
            doc.set_text_color(90, 90, 90)
            doc.para(line, size=9)
            doc.set_text_color(0, 0, 0)
        doc.set_font("DejaVu", "", 10.5)
        for line in answer:
            if line:
                doc.multi_cell(0, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
            else:
                doc.ln(3)
        doc.ln(4)
    return doc.save("q-training/lsis-end-of-project-report.pdf")


# --- Mental Health Research 2015/17 (two infographics) -------------------------------------

CLMH_CONTEXT = (
    "Programme: Mental Health Research 2015/17 (the Community Learning Mental Health research). "
    "From April 2015 - July 2017."
)


def clmh_delivery_methods() -> str:
    doc = Document("Delivery methods infographic", "Community Learning Mental Health Pilots")
    doc.title_block(
        "The infographic offered on the programme page as “Download 'Delivery methods' infographic PDF”.",
        CLMH_CONTEXT,
    )
    doc.para(
        "Image of the infographic produced by Ipsos MORI in April 2015 to summarise details of "
        "the 62 BIS Community Learning Mental Health Pilots"
    )
    return doc.save("clmh/delivery-methods-infographic.pdf")


def clmh_working_with() -> str:
    doc = Document("Working With infographic", "DfE Adult Education | Mental Health Research")
    doc.title_block(
        "The infographic offered on the programme page as “Download 'Working With' infographic PDF”.",
        CLMH_CONTEXT,
    )
    doc.para(
        "Image of an infographic produced by Ipsos MORI to capture the cumulative joint local "
        "working plans of the DfE Adult Education | Mental Health Research"
    )
    return doc.save("clmh/working-with-infographic.pdf")


# --- News, 5 September 2019 (National Retraining Scheme slides) ----------------------------


def national_retraining_scheme_slides() -> str:
    doc = Document(
        "National Retraining Scheme latest developments",
        "ppt slides mentioned in the news post of 5 September 2019",
    )
    doc.title_block(
        "The set of ppt slides mentioned in the news post “Interim evaluation of Career "
        "Learning Pilots” (5 September 2019).",
        "The slides themselves were not captured, and their content is not known. The post's sentence about them was:",
    )
    doc.para("Here’s a set of ppt slides outlining National Retraining Scheme latest developments")
    return doc.save("national-retraining-scheme/slides.pdf")


# --- Placeholder for the painting credited on two project pages ----------------------------

CREDIT = "MIND in Dacorum. Artist: Bob Houlston. Image taken from 1 in 4 publication"
# Large type on a mid-tone ground: readable at phone width, and not a bright block in the dark
# scheme. The credit is not repeated inside: the page shows it under the image (image.credit).
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="600" height="340" viewBox="0 0 600 340" role="img" aria-labelledby="title desc">
  <title id="title">Image not held in this archive</title>
  <desc id="desc">Placeholder: the original painting by Bob Houlston is not held in this archive.</desc>
  <rect x="0" y="0" width="600" height="340" fill="#50596a"/>
  <rect x="14" y="14" width="572" height="312" fill="none" stroke="#c9ced8" stroke-width="3" stroke-dasharray="12 8"/>
  <g fill="none" stroke="#ffffff" stroke-width="6" stroke-linejoin="round">
    <rect x="262" y="56" width="76" height="60" rx="4"/>
    <path d="M268 108 l20 -22 l14 14 l10 -10 l20 18"/>
  </g>
  <circle cx="318" cy="74" r="6" fill="#ffffff"/>
  <g font-family="DejaVu Sans, Verdana, Arial, sans-serif" text-anchor="middle" fill="#ffffff">
    <text x="300" y="190" font-size="38" font-weight="bold">Image not held</text>
    <text x="300" y="236" font-size="38" font-weight="bold">in this archive</text>
    <text x="300" y="288" font-size="24">The page showed a painting by Bob Houlston</text>
  </g>
</svg>
"""


def placeholder_svg() -> str:
    relpath = "images/bob-houlston-painting-placeholder.svg"
    path = os.path.join(RESOURCES, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(SVG)
    return relpath


def main() -> int:
    missing = [p for p in (FONT_REGULAR, FONT_BOLD) if not os.path.isfile(p)]
    if missing:
        print(
            "make_sample_documents: font not found: " + ", ".join(missing) + "\n"
            "Install the DejaVu fonts (Debian/Ubuntu: apt-get install fonts-dejavu-core); they "
            "are needed for characters such as £, ’ and • in the source text.",
            file=sys.stderr,
        )
        return 1
    written = [
        lsc_data(),
        take_ten_people_toolbox(),
        take_ten_people_training_pack(),
        q_training_report(),
        clmh_delivery_methods(),
        clmh_working_with(),
        national_retraining_scheme_slides(),
        placeholder_svg(),
    ]
    for relpath in written:
        print("wrote resources/" + relpath)
    return 0


if __name__ == "__main__":
    sys.exit(main())
