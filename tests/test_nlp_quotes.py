"""Key quotes: quote marks, attribution shapes, speakers, roles and ranking."""

from __future__ import annotations

from bot.models import Quote
from bot.nlp import analyze


def _quotes(body: str, language: str = "en") -> list[Quote]:
    return list(analyze("Title", body, language).quotes)


def _one(body: str, language: str = "en") -> Quote:
    quotes = _quotes(body, language)
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_offsets_point_at_the_exact_words() -> None:
    """/quote could show words the briefing does not contain if offsets were wrong."""
    body = 'The minister spoke.\n\n"We will rebuild every school," said Education Minister Ruth Adeyemi.'
    q = _one(body)
    assert q.text == "We will rebuild every school"
    assert body[q.start : q.end] == q.text


def test_said_after_quote_with_role_and_name() -> None:
    """A quote would lose its speaker or role for the commonest wire shape if this broke."""
    q = _one(
        '"We will stand with Ukraine for as long as it takes," U.S. Secretary of State Antony Blinken said.'
    )
    assert (q.speaker, q.speaker_role) == ("Antony Blinken", "U.S. Secretary of State")


def test_inverted_said_x_with_appositive_role() -> None:
    """'"...," said X, the chair of Y' would be attributed to nobody if this broke."""
    q = _one('"Installers are ready," said Grace Olufemi, chair of the National Insulation Federation.')
    assert q.speaker == "Grace Olufemi"
    assert q.speaker_role == "chair of the National Insulation Federation"


def test_colon_introduced_quote() -> None:
    """'X said: "..."' quotes would be missed if this broke."""
    q = _one('Governor Ruth Kessler said: "The direction of travel is clear, but we are not there yet."')
    assert q.speaker == "Ruth Kessler"
    assert q.text.startswith("The direction of travel")


def test_told_reporters() -> None:
    """'"...," X told reporters' would lose its speaker if this broke."""
    q = _one('"Our farmers need time to adjust," Trade Minister Amira Saleh told reporters on Friday.')
    assert q.speaker == "Amira Saleh"


def test_according_to() -> None:
    """'according to X, "..."' quotes would be unattributed if this broke."""
    q = _one(
        'According to Home Secretary Dominic Yates, "the queues at our airports are a national embarrassment."'
    )
    assert (q.speaker, q.speaker_role) == ("Dominic Yates", "Home Secretary")


def test_other_speech_verbs() -> None:
    """Quotes introduced by warned/insisted/stressed would be dropped if this broke."""
    body = (
        'Lucy Tran, director of the Open Rights Forum, warned: "Once your face is your passport, you can never change it."'
        '\n\n"Exemptions are not enough for us," Johanna Weiss insisted.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Lucy Tran", "Johanna Weiss"]


def test_surname_and_role_noun_resolve_to_first_mention() -> None:
    """Later 'Blinken' or 'the secretary' would show as a different person if this broke."""
    body = (
        "U.S. Secretary of State Antony Blinken arrived in Kyiv on Tuesday.\n\n"
        '"We are here for the long term," Blinken said.\n\n'
        'The secretary added: "The first deliveries will arrive within weeks."'
    )
    quotes = _quotes(body)
    assert [(q.speaker, q.speaker_role) for q in quotes] == [
        ("Antony Blinken", "U.S. Secretary of State")
    ] * 2


def test_pronoun_resolves_to_gender_matching_person() -> None:
    """'she said' would be credited to the last man mentioned if this broke."""
    body = (
        "Regional governor Sofia Lind met Daniel Okafor, head of the emergency service, in Port Alva.\n\n"
        '"Nobody should have to choose between their house and their life," she said.'
    )
    assert _one(body).speaker == "Sofia Lind"


def test_pronoun_resolves_to_latest_person() -> None:
    """'he said' would go to the wrong man if the latest mention were not preferred."""
    body = (
        "Finance Minister Karl Dietrich spoke first. Prime Minister Erik Sandor then addressed reporters.\n\n"
        '"Nobody is leaving this coalition over one law," he said.'
    )
    assert _one(body).speaker == "Erik Sandor"


def test_organisation_speaker() -> None:
    """A ministry statement would have no speaker if organisations were not speakers."""
    body = (
        "The Ministry of Health opened 120 cooling centres.\n\n"
        '"If you feel dizzy or confused, call the emergency number immediately," the ministry said.'
    )
    assert _one(body).speaker == "Ministry of Health"


def test_split_quote_is_one_quote() -> None:
    """A quote split by 'he said' would appear as two half-quotes if this broke."""
    body = '"We have heard enough promises," Marta Juric said. "Put the numbers on paper and we will look at them."'
    q = _one(body)
    assert q.text == "We have heard enough promises. Put the numbers on paper and we will look at them."
    assert q.start == body.index("We have") and q.end == body.index("them.") + len("them.")
    assert q.speaker == "Marta Juric"


def test_multi_paragraph_quote() -> None:
    """A speech quoted over several paragraphs would be cut after its first paragraph if this broke."""
    body = (
        "Prime Minister Alan Petrov spoke to officers on Monday.\n\n"
        '"Let me be clear about why we are doing this.\n\n'
        '"For thirty years we believed that peace was permanent.\n\n'
        '"That belief was wrong," Petrov said.'
    )
    q = _one(body)
    assert q.text.startswith("Let me be clear") and q.text.endswith("That belief was wrong")
    assert q.speaker == "Alan Petrov"


def test_curly_single_and_low_high_quotes() -> None:
    """Quotes in curly, single or „low-high“ marks would be missed if this broke."""
    body = (
        "“Every euro we spend on insulation saves families money,” said Energy Minister Viktor Halloran.\n\n"
        "'This is not a suggestion for anyone,' said Environment Minister Clara Duval."
    )
    assert [q.speaker for q in _quotes(body)] == ["Viktor Halloran", "Clara Duval"]
    uk = "„Реабілітація має бути доступною для всіх“, — сказала заступниця міністра Марія Левченко."
    assert _one(uk, "uk").speaker == "Марія Левченко"


def test_apostrophes_are_not_quotes() -> None:
    """Possessives and contractions would produce bogus quotes if this broke."""
    body = "The minister's plan isn't new, and the farmers' union doesn't like it."
    assert _quotes(body) == []


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    """Scare quotes and document titles would show up as key quotes if this broke."""
    body = (
        'Critics attacked the so-called "peace plan" on Monday.\n\n'
        'The government published its "Digital Borders 2030" strategy.\n\n'
        'She called the document "sloppy".'
    )
    assert _quotes(body) == []


def test_nested_quote_stays_inside() -> None:
    """A quote within a quote would be listed as a separate quote if this broke."""
    body = "\"They told us 'wait until spring' and we waited for nothing,\" said union leader Mikael Stroem."
    q = _one(body)
    assert "'wait until spring'" in q.text


def test_ukrainian_attributions() -> None:
    """Ukrainian quotes would lose their speakers for '— сказав він' and 'за словами' if this broke."""
    body = (
        "Міністр енергетики Андрій Соколенко заявив про нові ремонти.\n\n"
        "«Ми маємо пройти зиму без тривалих відключень», — сказав він.\n\n"
        "За словами директорки школи Наталії Мельник, «діти навчатимуться у дві зміни цієї осені».\n\n"
        "«Це не розкіш, а необхідність», — заявив Соколенко."
    )
    quotes = _quotes(body, "uk")
    assert [q.speaker for q in quotes] == ["Андрій Соколенко", "Наталія Мельник", "Андрій Соколенко"]
    assert quotes[0].speaker_role == "Міністр енергетики"


def test_russian_attributions() -> None:
    """Russian quotes would lose their speakers for '— сказала она' and 'по словам' if this broke."""
    body = (
        "Официальный представитель министерства Анна Смирнова заявила о готовности к диалогу.\n\n"
        "«Мы открыты для любых предложений», — сказала она.\n\n"
        "Председатель комитета Игорь Волков ответил: «Решение будет принято в понедельник»."
    )
    quotes = _quotes(body, "ru")
    assert [q.speaker for q in quotes] == ["Анна Смирнова", "Игорь Волков"]


def test_ranking_prefers_informative_statements() -> None:
    """/quote would show a pleasantry or a duplicate instead of the real statement if this broke."""
    body = (
        '"Thank you all," said President Miriam Castell.\n\n'
        '"A diplomat who waits for perfect information will always arrive too late," Castell said.\n\n'
        '"A diplomat who waits for perfect information will always arrive too late," she repeated.'
    )
    quotes = _quotes(body)
    assert len(quotes) == 3
    best = max(quotes, key=lambda q: q.score)
    assert best is quotes[1]
    assert all(0.0 <= q.score <= 1.0 for q in quotes)


def test_role_from_preposed_appositive() -> None:
    """'The agency's regional director, Samir Haddad, said' would lose its role if this broke."""
    body = (
        "The agency's regional director, Samir Haddad, said less than a third of the money had arrived.\n\n"
        '"We have blankets in the warehouse but no money for the trucks," Haddad said.'
    )
    q = _one(body)
    assert (q.speaker, q.speaker_role) == ("Samir Haddad", "agency's regional director")


def test_ukrainian_role_in_nominative() -> None:
    """A Ukrainian role quoted after 'за словами' would show in the genitive case if this broke."""
    body = "За словами речниці МЗС Ольги Петренко, «переговори тривають щодня і без перерв»."
    q = _one(body, "uk")
    assert (q.speaker, q.speaker_role) == ("Ольга Петренко", "речниця МЗС")


def test_unclosed_quote_does_not_swallow_later_paragraphs() -> None:
    """A missing closing mark would glue unrelated paragraphs into one quote if this broke."""
    body = (
        '"We will not stop until the job is done, said Mayor Ines Caldwell.\n\n'
        "The council meets again on Monday.\n\n"
        '"The tram will carry 40,000 passengers a day," Caldwell said.'
    )
    quotes = _quotes(body)
    assert all("council meets" not in q.text for q in quotes)
    assert quotes[-1].text == "The tram will carry 40,000 passengers a day"


# --- speaker resolution cases found on real news (written fresh here) -----------------------


def test_surname_expands_to_a_full_name_first_seen_after_a_preposition() -> None:
    """'/quote speaker:' would show a bare surname if the first mention was 'to Brian Okafor'."""
    body = (
        "The board handed the member list to Brian Okafor, a local investor.\n\n"
        '"We only want a fair vote," Okafor said.'
    )
    assert _one(body).speaker == "Brian Okafor"


def test_shorter_multi_word_surname_matches_the_full_name() -> None:
    body = 'Architect Lucia Reyes Ortega designed the shelter. "It had to drain itself," says Reyes Ortega.'
    q = _one(body)
    assert q.speaker == "Lucia Reyes Ortega"
    assert q.speaker_role == "Architect"


def test_first_name_plus_org_word_is_a_person() -> None:
    """'Martin House' is a person, and 'says House' is him, not an organisation."""
    body = (
        "The festival's director Martin House booked the dancers early.\n\n"
        '"I always wanted a longer piece for them," says House.'
    )
    assert _one(body).speaker == "Martin House"


def test_paragraph_final_said_marks_a_speaker() -> None:
    """'X said.' at the end of a paragraph is a speech mention; a later 'he said' prefers
    the person who opens the paragraph before it."""
    body = (
        '"We acted within the rules," Kovalenko said.\n\n'
        "Deputy Andriy Moroz went on radio later in the day to rebut the claim.\n\n"
        '"Nobody was pressured, nobody was directed," he said.'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Kovalenko", "Andriy Moroz"]


def test_mixed_quote_marks_do_not_swallow_the_attribution() -> None:
    """A curly opening mark closed by a straight one must still end the quote."""
    body = (
        '“This will change school menus," said Priya Natarajan, a dietitian who writes about food. '
        "“Parents will see it by spring.”"
    )
    q = _one(body)  # one quote split by its attribution
    assert q.text.startswith("This will change school menus")
    assert "said" not in q.text
    assert q.speaker == "Priya Natarajan"


def test_role_with_and_before_the_name() -> None:
    q = _one('"The frost cracks the rails," said oil and gas worker Dmytro Hnatiuk.')
    assert q.speaker == "Dmytro Hnatiuk"


def test_acronym_speaker_gets_the_name_spelled_out_elsewhere() -> None:
    body = (
        "Applicants wrote to Immigration, Refugees and Citizenship Canada in March.\n\n"
        'In a statement, IRCC said "every file is reviewed by an officer before a decision."'
    )
    assert _one(body).speaker == "Immigration, Refugees and Citizenship Canada"


def test_subjectless_phrase_takes_the_sentence_subject() -> None:
    """'X called the claim "false" on Monday and ... said' is X's word, not 'on Monday'."""
    body = (
        'Premier Nadia Kostenko called the report "false and misleading" on Monday and in a short '
        "statement said her office had never seen it."
    )
    assert _one(body).speaker == "Nadia Kostenko"


def test_addressee_is_not_the_speaker() -> None:
    body = (
        "The visiting comedian Oren Falk said he had a question and then quipped to Marcus, "
        '"Maybe you should be the one asking the questions tonight."'
    )
    assert _one(body).speaker != "Marcus"


def test_colon_after_a_verbless_clause_gives_the_sentence_subject() -> None:
    """'X, the inspector, is more blunt: "..."' is X speaking, not the last person who spoke."""
    body = (
        'Chief engineer Olga Marchenko said the repairs were on schedule. "We are ahead," she said.\n\n'
        "Petro Dovhan, the safety inspector for the region, is more blunt: "
        '"Half of these bridges should have been closed years ago, and everyone here knows it."'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Olga Marchenko", "Petro Dovhan"]


def test_straight_open_curly_close() -> None:
    q = _one('"The backstop was never on the table,” DUP MP Brian Hollis said on Monday.')
    assert q.text == "The backstop was never on the table"
    assert q.speaker == "Brian Hollis"


def test_role_keeps_a_capitalised_organisation_name() -> None:
    q = _one('"We need the money now," Green Party leader Johanna Weiss told reporters.')
    assert (q.speaker, q.speaker_role) == ("Johanna Weiss", "Green Party leader")


def test_its_president_is_a_person_with_the_organisation_in_the_role() -> None:
    body = (
        "The Kelden Nurses Union says it will strike. Its president, Marta Juric, said: "
        '"We are ready to walk out tomorrow morning."'
    )
    q = _one(body)
    assert (q.speaker, q.speaker_role) == ("Marta Juric", "president of the Kelden Nurses Union")


def test_the_company_is_the_lone_name_that_spoke_before() -> None:
    body = (
        "Veltrix said on Thursday that its licence had been revoked.\n\n"
        'But the company seemed confident. "We expect to restore the service within days," '
        "the company said in a statement."
    )
    assert _one(body).speaker == "Veltrix"


def test_a_clause_fragment_is_never_shown_as_the_speaker() -> None:
    """'— kid then looked at me and' under a quote is worse than no speaker at all."""
    body = (
        "Mayor Ana Roth was asked about the plan. A city kid then looked at me and asked, "
        '"Why would anyone want to live next to a highway like that one?"'
    )
    assert _one(body).speaker is None


def test_a_source_described_with_a_possessive() -> None:
    q = _one('My lawyer said: "We will appeal the ruling as soon as the written judgment is published."')
    assert (q.speaker, q.speaker_role) == (None, "My lawyer")  # described, not named


def test_a_sentence_adverb_is_not_a_speaker() -> None:
    body = (
        "Interestingly, the report described the plan as 'a bridge that goes nowhere at all, at great cost'."
    )
    assert all(q.speaker != "Interestingly" for q in _quotes(body))


def test_a_possessive_description_is_kept() -> None:
    q = _one('"We will open the bridge by Friday, whatever the weather does," the city\'s mayor said.')
    assert (q.speaker, q.speaker_role) == (None, "city's mayor")  # described, not named


def test_a_relative_clause_gives_the_role() -> None:
    """'X, who chairs the board,' and 'X, who is the mayor of Y,' state the speaker's post;
    a clause that states none ('who was at the meeting') gives no role."""
    chairs = _one(
        "Andriy Koval, who chairs the Association of Port Operators, welcomed the plan.\n\n"
        '"A fund that pays late is a fund on paper," Koval said.'
    )
    assert (chairs.speaker, chairs.speaker_role) == (
        "Andriy Koval",
        "chair of the Association of Port Operators",
    )
    mayor = _one(
        'Lena Ruiz, who is the mayor of Port Alva, spoke first.\n\n"We will rebuild the pier," Ruiz said.'
    )
    assert mayor.speaker_role == "mayor of Port Alva"
    present = _one(
        'Tom Hale, who was at the meeting, disagreed.\n\n"The contract is void on its face," Hale said.'
    )
    assert (present.speaker, present.speaker_role) == ("Tom Hale", None)


def test_a_split_quote_reads_as_the_sentences_it_was() -> None:
    """'"...under it," she said. "If..."' joins as '...under it. If...'; a part that goes on
    the same sentence ('"...," she said, "and..."') keeps its comma."""
    new_sentence = _one(
        'Lena Ruiz spoke after the vote.\n\n"We are putting a floor under the market," she said. '
        '"If insurers know the worst case is shared, they can price the rest honestly."'
    )
    assert new_sentence.text == (
        "We are putting a floor under the market. "
        "If insurers know the worst case is shared, they can price the rest honestly."
    )
    same_sentence = _one(
        'Lena Ruiz spoke after the vote.\n\n"The pool is ready," she said, "and the first claims will be paid in weeks."'
    )
    assert same_sentence.text == "The pool is ready, and the first claims will be paid in weeks."


def test_a_quoted_name_before_a_colon_attribution_is_not_a_quote() -> None:
    """'the «Teplomerezha» utility's Natalia Hrynko added: „...“' would give Hrynko a one-word
    quote, the utility's name; the attribution belongs to the quote its colon introduces."""
    ru = _quotes(
        "Работы будут вестись ночью. Директор коммунального предприятия «Теплосеть» Наталья Гринько "
        "добавила: „Бригады уже получили материалы на первые 12 километров“.",
        "ru",
    )
    assert [(q.speaker, q.text) for q in ru] == [
        ("Наталья Гринько", "Бригады уже получили материалы на первые 12 километров")
    ]
    en = _quotes('The "Save Our Pier" campaign chair Tom Hale said: "We will keep the pier open all winter."')
    assert [(q.speaker, q.text) for q in en] == [("Tom Hale", "We will keep the pier open all winter.")]
    split = _one('"We are done," Hale said: "It is over and the pier stays open."')
    assert split.text == "We are done. It is over and the pier stays open."


def test_an_organisation_name_in_quote_marks_stays_inside_the_role() -> None:
    """'директорка ТОВ «Зерно Півдня» Олена Марченко' made the company form 'ТОВ' the speaker,
    and 'director of the "Grain of the South" company' was cut at the quote mark."""
    uk = _one(
        "«Ми готові відвантажити перше зерно», — сказала директорка ТОВ «Зерно Півдня» Олена Марченко.", "uk"
    )
    assert (uk.speaker, uk.speaker_role) == ("Олена Марченко", "директорка ТОВ «Зерно Півдня»")
    ru = _one("Директор КП «Теплосеть» Наталья Гринько заявила: «Ремонт закончим до декабря».", "ru")
    assert (ru.speaker, ru.speaker_role) == ("Наталья Гринько", "Директор КП «Теплосеть»")
    en = _one('"We are ready to ship," said Olena Marchenko, director of the "Grain of the South" company.')
    assert (en.speaker, en.speaker_role) == (
        "Olena Marchenko",
        'director of the "Grain of the South" company',
    )


def test_she_said_prefers_a_woman_who_spoke_over_a_speaker_of_unknown_gender() -> None:
    """'she said' went to the nearest speaker even when nothing said he was a woman and a
    woman had spoken just before."""
    body = (
        "Ministers extended the gas price cap on Wednesday.\n\n"
        '"Predictability is worth more to our members than any single price," said Maria Vogel, '
        "director general of the chemical industry council.\n\n"
        "Not everyone was convinced. Hungary's foreign minister, Tibor Nemeth, told reporters the cap "
        "punishes countries that planned ahead.\n\n"
        '"We will watch prices daily and report every month," she said.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Maria Vogel", "Maria Vogel"]


# -- question-and-answer interviews ------------------------------------------------------


def _answers(body: str, language: str = "en") -> list[tuple[str, str | None]]:
    return [(q.text[:30], q.speaker) for q in _quotes(body, language)]


def test_qa_interview_answers_belong_to_the_interviewee() -> None:
    """An interview laid out as Q:/A: turns would yield no quotes at all."""
    body = (
        "Harbour master Ilse Vandermeer runs the country's busiest grain port. We asked her about the winter.\n\n"
        "Q: Will the port stay open if the river freezes?\n\n"
        "A: We have two icebreakers on contract this year. The channel will stay open unless the frost lasts "
        "more than a month.\n\n"
        "Q: What worries you most?\n\n"
        "A: Fuel. The icebreakers burn in a week what a tug burns in a season."
    )
    assert _answers(body) == [
        ("We have two icebreakers on con", "Ilse Vandermeer"),
        ("Fuel. The icebreakers burn in ", "Ilse Vandermeer"),
    ]
    for q in _quotes(body):
        assert body[q.start : q.end] == q.text


def test_interview_with_name_labels_and_bold_questions() -> None:
    """Name labels ('Vandermeer:') would be read as prose, and the interviewer's questions as quotes."""
    body = (
        "Our correspondent Piet Kramer spoke to Ilse Vandermeer, the harbour master.\n\n"
        "Piet Kramer: How many ships are waiting?\n\n"
        "Ilse Vandermeer: Eleven this morning, which is normal for November.\n\n"
        "Piet Kramer: And next month?\n\n"
        "Ilse Vandermeer: More, if the canal locks close for repairs as planned."
    )
    assert [s for _, s in _answers(body)] == ["Ilse Vandermeer", "Ilse Vandermeer"]


def test_question_and_answer_in_one_paragraph() -> None:
    """'Q: ... A: ...' on one line would be one quote, question included, or none."""
    body = (
        "Mayor Ruta Kalnina talked to us about the new tram line.\n\n"
        "Q: When will it open? A: In May, if the last rails arrive in March.\n\n"
        "Q: And the cost? A: Forty million euros, a third from the city."
    )
    quotes = _quotes(body)
    assert [q.text for q in quotes] == [
        "In May, if the last rails arrive in March.",
        "Forty million euros, a third from the city.",
    ]
    assert {q.speaker for q in quotes} == {"Ruta Kalnina"}


def test_dialogue_dashes_in_russian_and_labels_in_ukrainian() -> None:
    """Russian dash dialogue and Ukrainian П:/В: turns would yield no quotes."""
    ru = (
        "Директор порта Андрей Белов рассказал о планах на зиму.\n\n"
        "— Хватит ли ледоколов?\n\n"
        "— Да, у нас два ледокола по контракту, этого достаточно.\n\n"
        "— Что вас беспокоит больше всего?\n\n"
        "— Топливо и его цена."
    )
    assert [s for _, s in _answers(ru, "ru")] == ["Андрей Белов", "Андрей Белов"]
    uk = (
        "Ми поговорили з директоркою порту Оксаною Мельник.\n\n"
        "П: Чи вистачить криголамів?\n\n"
        "В: Так, у нас два криголами за контрактом.\n\n"
        "П: Що вас непокоїть?\n\n"
        "В: Пальне та його ціна."
    )
    assert [t for t, _ in _answers(uk, "uk")] == ["Так, у нас два криголами за ко", "Пальне та його ціна."]


def test_interview_answers_stay_unattributed_when_two_people_are_introduced() -> None:
    """With two guests and 'A:' labels, the bot would put one guest's words in the other's mouth."""
    body = (
        "Economist Maria Lind and banker Olof Berg discussed the rate decision with us.\n\n"
        "Q: Was the cut too early?\n\nA: No, inflation has been under target for six months.\n\n"
        "Q: What comes next?\n\nA: Probably a pause until the spring."
    )
    assert [s for _, s in _answers(body)] == [None, None]


def test_labelled_lines_in_an_article_are_not_an_interview() -> None:
    """A note or a 'Source:' line in an ordinary article would become a quote."""
    body = (
        "The ministry published the tender on Monday.\n\n"
        "Note: the deadline is 12 January.\n\n"
        "Correction: an earlier version gave the wrong date."
    )
    assert _quotes(body) == []


# -- speakers that generalise, and abstaining instead of guessing -----------------------


def test_names_with_initials_keep_them() -> None:
    """A speaker written with initials ('Eleanor M. Vance', 'Л. П. Гайова') lost them or was not a person."""
    en = _one('Senator Eleanor M. Vance chaired the hearing. "A quiet week is not a peace," Vance said.')
    assert (en.speaker, en.speaker_role) == ("Eleanor M. Vance", "Senator")
    uk = _quotes(
        "Голова ради ветеранів мікрорайону Південний Л. П. Гайова сказала, що чекала три роки.\n\n"
        "Її сусідка Ганна Руденко погодилася.\n\n«Нарешті нас почули», — сказала Гайова.",
        "uk",
    )
    assert [q.speaker for q in uk] == ["Л. П. Гайова"]
    ru = _one(
        "Директор порта А. В. Смирнов сообщил о задержках.\n\n«Мы работаем круглосуточно», — добавил он.",
        "ru",
    )
    assert ru.speaker == "А. В. Смирнов"


def test_a_bare_role_goes_to_the_person_whose_role_fits() -> None:
    """'— пояснив економіст' showed 'економіст' as if it were a name."""
    q = _one(
        "Доцент кафедри міської економіки М. І. Ковальчук зауважив, що програма недофінансована.\n\n"
        "«Сорок зупинок — це лише третина того, що потрібно», — пояснив економіст.",
        "uk",
    )
    assert q.speaker == "М. І. Ковальчук"


def test_they_after_an_organisation_is_the_organisation_and_people_stay_unnamed() -> None:
    """An organisation's statement ('they said in a statement') had no speaker; a crowd got a name."""
    org = _one(
        'The Tenants\' Association took a firmer line. "Fares cannot rise again this year," they said.'
    )
    assert org.speaker == "Tenants' Association"
    crowd = _one(
        'Councillor Ana Ruiz met residents of the estate. They were angry. "Fares cannot rise again," they said.'
    )
    assert crowd.speaker is None


def test_a_described_speaker_is_shown_as_described_never_as_a_name() -> None:
    """'a spokesperson for the office' would be shown in bold like a person's name."""
    q = _one('"The permit is under review," a spokesperson for the regional environment office said.')
    assert q.speaker is None and q.speaker_role == "spokesperson for the regional environment office"


def test_cyrillic_names_in_an_oblique_case_are_shown_in_the_nominative() -> None:
    """'Романа Гнатюка' (as 'we asked ... Roman Hnatiuk' puts it) was shown as the speaker's name."""
    uk = _one(
        "Ми запитали начальника Карпатської митниці Романа Гнатюка про черги.\n\n"
        "«Причина не лише в нас», — сказав Гнатюк.",
        "uk",
    )
    assert uk.speaker == "Роман Гнатюк"
    ru = _one(
        "Мы поговорили с Натальей Ковальской о миграции.\n\n«Баланс близок к нулю», — сказала Ковальская.",
        "ru",
    )
    assert ru.speaker == "Наталья Ковальская"
    # A man's surname in the genitive after "по словам": the same letters as a woman's nominative.
    man = _one(
        "По словам А. В. Смирнова, задержки продлятся неделю. «Мы работаем круглосуточно», — сказал он.", "ru"
    )
    assert man.speaker == "А. В. Смирнов"


def test_a_guessed_attribution_shows_no_name() -> None:
    """'the veteran said' after two people would put the words in one of their mouths at random."""
    body = (
        "Senator Ana Ruiz met Minister Piet Kramer on Monday.\n\n"
        '"We agree on nothing yet, but we will keep talking," the veteran said.'
    )
    guessed = _one(body)
    # No name: shown as the text describes the speaker.
    assert (guessed.speaker, guessed.speaker_role) == (None, "veteran")
    named = _one(body.replace("the veteran said", "Ruiz said"))
    assert (named.speaker, named.confidence) == ("Ana Ruiz", 0.95)


def test_a_name_with_a_patronymic_keeps_the_first_name() -> None:
    """'Игорь Семёнович Бардин' was shown as 'Семёнович Бардин': the first name was taken for
    part of the role before it."""
    ru = _one(
        "Министр транспорта области Игорь Семёнович Бардин объявил о закупке автобусов.\n\n"
        "«Каждая поломка — это сорванный приём у врача», — сказал Бардин.",
        "ru",
    )
    assert (ru.speaker, ru.speaker_role) == ("Игорь Семёнович Бардин", "Министр транспорта области")
    uk = _one(
        "Директорка ліцею Олена Іванівна Коваль розповіла про ремонт.\n\n«Ми чекали цього десять років», — сказала вона.",
        "uk",
    )
    assert uk.speaker == "Олена Іванівна Коваль"


def test_a_body_speaks_through_a_statement_or_its_staff() -> None:
    """'— говорится в заявлении союза', '— сообщили в компании', '— ідеться в заяві' gave the
    quote no speaker, or a sentence-opening adverb as the organisation's name."""
    ru = _quotes(
        "Союз фермеров Приречной области выступил против квот. «Квоты разорят малые хозяйства», — "
        "говорится в заявлении союза.\n\n"
        "В ООО «Дорстрой-Юг» задержку объяснили дождями. «Мы потеряли две недели», — сообщили в компании.",
        "ru",
    )
    assert [q.speaker for q in ru] == ["Союз фермеров Приречной области", "ООО «Дорстрой-Юг»"]
    uk = _quotes(
        "Натомість Асоціація пекарів Поділля заявила, що ціни доведеться переглянути. «Ми працюємо собі "
        "в збиток», — ідеться в заяві.",
        "uk",
    )
    assert [q.speaker for q in uk] == ["Асоціація пекарів Поділля"]


def test_an_organisations_first_word_and_a_roles_place_stay_where_they_belong() -> None:
    """'The Northern Growers' Association' lost 'Northern'; 'Mayor of Carrowby Ilse Marr' was
    named 'Carrowby Ilse Marr'; 'Cllr' was shown as part of a name."""
    org = _one('The Northern Growers\' Association backed the plan. "It is overdue," the association said.')
    assert org.speaker == "Northern Growers' Association"
    mayor = _one('Mayor of Carrowby Ilse Marr thanked the crews. "You kept the town dry," she said.')
    assert (mayor.speaker, mayor.speaker_role) == ("Ilse Marr", "Mayor of Carrowby")
    cllr = _one("Cllr Ada Penhallow spoke first. 'We cannot cut the buses again,' she said.")
    assert cllr.speaker == "Ada Penhallow"


def test_speech_verbs_in_any_form_and_names_in_quote_marks() -> None:
    """'— объясняет Осокин', '— згадує Мельничук' (present tense) gave no speaker; a company's
    name in «» next to a speech verb was taken for someone's words."""
    ru = _quotes(
        "Фермер Геннадий Осокин отдал под школу часть конторы.\n\n"
        "«Без школы молодые семьи сюда не поедут», — объясняет Осокин.\n\n"
        "В ООО «Дорстрой-Юг» задержку объяснили погодой.",
        "ru",
    )
    assert [(q.text, q.speaker) for q in ru] == [
        ("Без школы молодые семьи сюда не поедут", "Геннадий Осокин")
    ]
    uk = _one(
        "Електрик Олег Мельничук повернувся додому.\n\n«Я думав, що це на пів року», — згадує Мельничук.",
        "uk",
    )
    assert uk.speaker == "Олег Мельничук"


def test_the_company_is_the_name_that_opens_the_paragraph() -> None:
    """'Brodhaus said it would appeal. "...," the company said.' went to a regulator named earlier."""
    q = _quotes(
        "The Markets Authority fined three bakeries.\n\n"
        'Brodhaus said it would appeal. "We set our prices independently," the company said.\n\n'
        'A ministry spokesperson said: "The fine stands."',
        "en",
    )
    assert [(x.speaker, x.speaker_role) for x in q] == [("Brodhaus", None), (None, "ministry spokesperson")]


def test_she_said_prefers_the_person_the_paragraph_is_about() -> None:
    """'The minister also said she ... "...," she told reporters' went to a man named in the
    paragraph before; 'According to ..., P. A. Lindgren, ... she said' went to a woman named
    two paragraphs earlier instead of the only person in the paragraph."""
    q = _quotes(
        "Water minister Celia Okonjo announced the rationing plan on Monday.\n\n"
        'Farmers\' leader Tobias Renn said the plan came late. "We lost the first harvest," he said.\n\n'
        "The minister also said she would ask parliament to review the licences. "
        '"The rules were written for a wetter century," she told reporters.\n\n'
        'Museum director R. J. Okonkwo said the vault had flooded. "We moved what we could," she said.\n\n'
        "The museum's board met on Friday.\n\n"
        "According to the head of conservation, P. A. Lindgren, most seeds survived. "
        '"Dry seed is more robust than people assume," she said.',
        "en",
    )
    assert [x.speaker for x in q] == ["Tobias Renn", "Celia Okonjo", "R. J. Okonkwo", "P. A. Lindgren"]


def test_a_body_named_again_by_its_first_word_is_the_same_body() -> None:
    """'Ассоциация ... — подчеркнули в организации' after 'Ассоциация автоперевозчиков
    Приречной области' showed the speaker as just 'Ассоциация'."""
    q = _quotes(
        "Ассоциация автоперевозчиков Приречной области пригрозила остановить рейсы.\n\n"
        "Ассоциация просит повысить тариф. «Мы готовы к диалогу», — подчеркнули в организации.\n\n"
        "Ініціатором заборони став секретар ради Руслан Петрович Ганжа. «Це наші вулиці», — заявив він.",
        "ru",
    )
    assert q[0].speaker == "Ассоциация автоперевозчиков Приречной области"
    uk = _one(
        "Ініціатором заборони став секретар ради Руслан Петрович Ганжа. «Це наші вулиці», — заявив він.", "uk"
    )
    assert uk.speaker == "Руслан Петрович Ганжа"


def test_a_body_named_with_a_common_noun_and_a_name_in_quote_marks() -> None:
    """'громадська організація «Живі береги» ... — зазначили в організації' went to another
    body named earlier; '— добавила руководитель фонда' showed the fund as the speaker."""
    uk = _quotes(
        "Асоціація фермерів Полісся не погодилася зі звітом. «Ми інвестували мільйони», — йдеться в заяві "
        "асоціації.\n\nНатомість громадська організація «Чисті береги» підтримала висновки. «Ми роками "
        "фіксували замори риби», — зазначили в організації.",
        "uk",
    )
    assert [q.speaker for q in uk] == ["Асоціація фермерів Полісся", "громадська організація «Чисті береги»"]
    ru = _quotes(
        "Благотворительный фонд «Северный дом» объявил конкурс грантов.\n\n"
        "«Отреставрированный дом без людей снова опустеет», — добавила руководитель фонда.",
        "ru",
    )
    assert [(q.speaker, q.speaker_role) for q in ru] == [(None, "руководитель фонда")]


def test_a_quote_after_a_paragraph_about_someone_new_is_theirs() -> None:
    """A bare quote after 'Rosa Benedetti has run a bakery since 1998.' went to the last
    person quoted before her."""
    q = _quotes(
        'Council leader Ewan Liddell defended the plan. "It is more than a brochure," he said.\n\n'
        "Rosa Benedetti has run a bakery on Harbour Street since 1998. Her takings fell by a third.\n\n"
        '"What kept me open was the college. The students come in every morning."',
        "en",
    )
    assert [x.speaker for x in q] == ["Ewan Liddell", "Rosa Benedetti"]


def test_ukrainian_and_russian_pronouns_follow_the_role_and_the_paragraph_before() -> None:
    """'Міністерка відповіла ... — сказала вона' went to a woman named earlier; '¶ «...», —
    пояснює вона.' after a paragraph about Кравець went to another woman."""
    uk = _quotes(
        "Міністерка освіти Лариса Оліфіренко оголосила програму будівництва садків.\n\n"
        "Голова батьківського комітету Наталія Бережна назвала програму запізнілою. «Черги — роками», — "
        "заявила Бережна.\n\n"
        "Міністерка відповіла на критику вже на пресконференції. «Садки почнуть будувати цієї осені», — "
        "сказала вона.\n\n"
        "Бібліотекарка Ірина Вовк підтримала програму.\n\n"
        "Надія Кравець уже завела для цього новий зошит.\n\n"
        "«Старий закінчився», — пояснює вона.",
        "uk",
    )
    assert [q.speaker for q in uk] == ["Наталія Бережна", "Лариса Оліфіренко", "Надія Кравець"]


def test_says_before_a_clause_and_an_owner_opening_the_paragraph_are_not_speakers() -> None:
    """'Dr. Fiona Larkspur, says Skerrow has become a test case' made the island a speaker;
    'Brightfield's managing director, Sophie Brightfield-Hale, ... she said' went to the company."""
    q = _quotes(
        "The board's medical director, Dr. Fiona Larkspur, says Skerrow has become a test case. "
        '"Retention is the hard part," she said in an interview.\n\n'
        "Brightfield Seafoods recalled its smoked fish on Thursday.\n\n"
        "Brightfield's managing director, Sophie Brightfield-Hale, said she had spent the night at the plant. "
        '"We will not let it end like this," she said.',
        "en",
    )
    assert [x.speaker for x in q] == ["Fiona Larkspur", "Sophie Brightfield-Hale"]


# -- confidence: a guessed name is not shown ---------------------------------------------


def test_a_pronoun_after_someone_described_but_unnamed_shows_no_name() -> None:
    """ "A local teacher cycles ... 'In winter ...,' she said" put the mayor's name on the
    teacher's words; so did a bare quote in the paragraph after the teacher's."""
    said = _quotes(
        "Mayor Laura Whitfield promised to repair the road by autumn.\n\n"
        'A local teacher cycles to school every morning. "In winter not even a tractor gets through," '
        "she said."
    )
    assert [q.speaker for q in said] == [None]
    bare = _quotes(
        'Mayor Laura Whitfield promised to repair the road by autumn. "The money is there and the '
        'contractor is chosen," she said.\n\n'
        "A local teacher cycles to school every morning.\n\n"
        '"In winter not even a tractor gets through, and the children have to walk."'
    )
    assert [q.speaker for q in bare] == ["Laura Whitfield", None]


def test_she_said_across_paragraphs_with_a_newer_subject_of_unknown_gender_shows_no_name() -> None:
    """A pronoun chain across paragraphs went to the last woman who spoke although another
    person the pronoun fits had since become the subject: two readings, so no name."""
    quotes = _quotes(
        'Councillor Harriet Wendell opened the debate on the new tram line. "We have waited twenty '
        'years for this," she said.\n\n'
        "Morwenna Quist-Adair chairs the transport committee, which met on Tuesday to go through the "
        "costs.\n\n"
        "The figures have risen by a third since spring.\n\n"
        '"Nobody on this committee will sign a blank cheque," she said.'
    )
    assert [q.speaker for q in quotes] == ["Harriet Wendell", None]


def test_she_said_of_a_lone_word_no_one_gives_a_gender_shows_no_name() -> None:
    """A one-word antecedent with no first name and no pronoun to say it is a person
    ("Quist-Adair", a surname cut from its first name, or "Statistician") was shown as the
    speaker of "she said"."""
    (q,) = _quotes(
        "Quist-Adair, a mechanical engineer, believes the old shafts could store power for the whole "
        'valley.\n\n"Old shafts make the best batteries," she said.'
    )
    assert q.speaker is None


def test_it_said_of_a_name_never_shown_to_be_a_body_shows_no_name() -> None:
    """ "it said" went to "Brodmere", a name the briefing never shows to be an organisation (a
    person's surname as likely as a company's)."""
    quotes = _quotes(
        "The bridge over the Tarn has been closed since March.\n\n"
        'Brodmere told residents on Monday that the bridge would open by June. "The steel is on site '
        'and the crews are ready," it said.'
    )
    assert [q.speaker for q in quotes] == [None]


def test_a_lawyer_named_by_whose_lawyer_they_are_is_not_the_client() -> None:
    """ "said Mark Hollis's lawyer", "said a spokesperson for Mayor Jane Doe", "said the sister
    of victim Daniel Okafor": the name is whose lawyer, spokesperson or sister speaks, and was
    shown as the speaker."""
    (q,) = _quotes('"My client will be cleared," said Mark Hollis\'s lawyer.')
    assert (q.speaker, q.speaker_role) == (None, "Mark Hollis's lawyer")
    (q,) = _quotes('"The mayor has no plans to resign," said a spokesperson for Mayor Jane Doe.')
    assert (q.speaker, q.speaker_role) == (None, "spokesperson for Mayor Jane Doe")
    (q,) = _quotes('"He was a kind man," said the sister of victim Daniel Okafor.')
    assert (q.speaker, q.speaker_role) == (None, "sister of victim Daniel Okafor")
    (q,) = _quotes('"We will appeal," a lawyer representing Jane Perrin told reporters.')
    assert q.speaker is None
    (q,) = _quotes('"We will appeal," said Mark Hollis, the lawyer for Jane Perrin.')
    assert q.speaker == "Mark Hollis"


def test_a_nickname_in_quote_marks_stays_inside_the_name() -> None:
    """'Dr. Henrietta "Etta" Marlowe-Quinn' became two people, "Henrietta" and
    "Marlowe-Quinn", and "she said" went to the wrong half."""
    quotes = _quotes(
        'On a grey morning, Dr. Henrietta "Etta" Marlowe-Quinn rides the lift cage 400 metres down.\n\n'
        'The council backed the survey last week. "Old shafts make the best batteries," she said.'
    )
    assert [q.speaker for q in quotes] == ["Henrietta Marlowe-Quinn"]


def test_an_interviewee_introduced_with_a_role_of_a_place_gets_the_answers() -> None:
    """ "the Chief Veterinary Officer of the Upland Districts, Dr. Ilse Brandvold" read "Upland
    Districts" as a second person, so no one got the interview's answers."""
    quotes = _quotes(
        "With two outbreaks confirmed this month, we asked the Chief Veterinary Officer of the "
        "Upland Districts, Dr. Ilse Brandvold, what growers should expect.\n\n"
        "Q: How serious is it?\n\n"
        "A: Serious for the farms involved, but contained so far.\n\n"
        "Q: Will growers be compensated?\n\n"
        "A: Yes, at market value, within thirty days."
    )
    assert [q.speaker for q in quotes] == ["Ilse Brandvold", "Ilse Brandvold"]


def test_a_body_named_friends_of_a_place_is_the_body() -> None:
    """ "Friends of Harrow Marsh said in a statement" showed "Harrow Marsh" as a person with
    the role "Friends of"."""
    (q,) = _quotes(
        'Friends of Harrow Marsh said in a statement: "Counting the birds is not the same as '
        'protecting them."'
    )
    assert q.speaker == "Friends of Harrow Marsh"


def test_a_womans_consonant_surname_keeps_her_name_in_the_nominative() -> None:
    """ "Тамарой Викторовной Пастернак": the dictionary knows "Пастернак" only as a man's
    surname, so the name was not read as one and was shown in the instrumental."""
    quotes = _quotes(
        "Мы поговорили с заведующей сельской библиотекой Тамарой Викторовной Пастернак.\n\n"
        "Вопрос: Что изменилось за год?\n\n"
        "Пастернак: Книги нам теперь присылают со всей области. Читателей стало вдвое больше.\n\n"
        "Вопрос: А что с помещением?\n\n"
        "Пастернак: Крышу починили весной. Осталось заменить окна до холодов.",
        "ru",
    )
    assert [q.speaker for q in quotes] == ["Тамара Викторовна Пастернак"] * 2


def test_a_name_after_a_genitive_role_word_is_the_subject_of_its_verb() -> None:
    """ "Советник губернатора Н. А. Белова заявила": "губернатора" made the name read as a
    man's genitive ("Н. А. Белов"), so "сказала она" found no woman and showed no name."""
    (q,) = _quotes(
        "Советник губернатора Н. А. Белова заявила, что ремонт моста начнётся в мае. "
        "«Деньги на проект уже выделены, подрядчик выбран», — сказала она.",
        "ru",
    )
    assert q.speaker == "Н. А. Белова"


def test_interview_labels_with_full_stops_belong_to_the_interviewee() -> None:
    """'Q. ... A. ...' and 'В.: ... О.: ...' answers were shown with no speaker or under the
    label itself ("О.") as if it were a name."""
    en = (
        "Mirela Vantongeren, director of the Ostmark Water Board, spoke to us about the drought.\n\n"
        "Q. Will there be a hosepipe ban?\n\n"
        "A. Not this month. The reservoirs are lower than we like, but they are not yet at the line.\n\n"
        "Q. And if August is dry?\n\n"
        "A. Then we will ask everyone to water gardens only after dark, and we will say so early."
    )
    quotes = _quotes(en)
    assert len(quotes) == 2
    assert {q.speaker for q in quotes} == {"Mirela Vantongeren"}
    ru = (
        "На вопросы редакции ответила директор городской библиотеки Алевтина Павловна Крутикова.\n\n"
        "В.: Зачем библиотеке ночные часы?\n\n"
        "О.: Студентам негде готовиться к сессии. Читальный зал до полуночи решает эту задачу.\n\n"
        "В.: Кто будет дежурить?\n\n"
        "О.: Два сотрудника по графику, им доплатят за вечерние смены."
    )
    quotes = _quotes(ru, "ru")
    assert len(quotes) == 2
    assert {q.speaker for q in quotes} == {"Алевтина Павловна Крутикова"}


def test_a_body_named_by_adjectives_and_a_noun_speaks_under_its_full_name() -> None:
    """'Вишнегірська обласна екологічна інспекція' has no name in quote marks; its words
    were shown with no speaker, and "Комісія"/"Компанія" later did not lead back to it."""
    uk = (
        "Озерянська обласна екологічна інспекція зобов'язала ТОВ «Липовий цукор» зупинити скиди.\n\n"
        "«Лабораторія знайшла у воді вдесятеро більше аміаку, ніж дозволено», — йдеться в "
        "повідомленні інспекції.\n\n"
        "Компанія визнала, що вночі стався аварійний вилив. «Ми вже замінили засувку і платимо "
        "за очищення русла», — повідомили в компанії."
    )
    first, second = _quotes(uk, "uk")
    assert first.speaker == "Озерянська обласна екологічна інспекція"
    assert second.speaker == "ТОВ «Липовий цукор»"


def test_there_and_another_noun_lead_back_to_the_body_the_paragraph_speaks_of() -> None:
    """'— заявили там' and '— зазначили в організації' after 'У спілці ...' were shown as the
    speakers "там" and nobody."""
    uk = (
        "Спілка садівників Прибережжя звернулася до обласної ради.\n\n"
        "У спілці наголошують, що полив заборонили без попередження. «Ми втратили половину "
        "розсади за тиждень, і ніхто не відповідає на наші листи», — заявили там.\n\n"
        "У спілці також відповіли на слова чиновників. «Графік поливу ми готові узгодити хоч "
        "завтра, якщо нас покличуть», — зазначили в організації."
    )
    quotes = _quotes(uk, "uk")
    assert [q.speaker for q in quotes] == ["Спілка садівників Прибережжя"] * 2


def test_definite_descriptions_lead_back_to_the_body_or_person_they_name() -> None:
    """'the club said', 'a statement from the union' and 'The association rejected ...
    they said' were shown with no speaker or with the last body named."""
    body = (
        "The Marrow Bay Sailing Club has objected to the floating solar farm. The Lindon Anglers' "
        "Forum backed the plan in a letter.\n\n"
        'The club said the farm would take half its racing water. "We are not against solar '
        'power, we are against losing the bay," the club said in a statement.\n\n'
        "The Harbour Workers' Union joined the objection on Monday. \"Our members moor their "
        'boats in that water every winter," according to a statement from the union.\n\n'
        "Captain Ilse Varro-Dunn, harbour master and head of the port trust, was asked about the "
        'plan. "The channel stays open whatever is built," the harbour master said.'
    )
    club, union, harbour = _quotes(body)
    assert club.speaker == "Marrow Bay Sailing Club"
    assert union.speaker == "Harbour Workers' Union"
    assert harbour.speaker == "Ilse Varro-Dunn"


def test_a_sentence_opened_by_a_name_outranks_an_earlier_role_opener() -> None:
    """'The economist nodded. Osei then turned to the minister. "...," she said' gave the
    quote to the economist."""
    body = (
        "Beata Ronholm, an economist at the Calder Institute, doubted the tax would work.\n\n"
        "Marit Osei-Lund, who chairs the small landlords' group, said her members were not to "
        'blame. The economist nodded. Osei-Lund then turned to the minister. "If you tax the '
        'flat above a shop, you will close the shop," she said.'
    )
    assert _one(body).speaker == "Marit Osei-Lund"


def test_a_place_named_like_a_person_is_no_antecedent() -> None:
    """'a surgeon at St Brannock, said she ...' gave the quote to "St Brannock"."""
    body = (
        "The ministry may merge the Greyhaven and St Brannock hospitals. The merger would move "
        "surgery to a single site at St Brannock, 27 kilometres away.\n\n"
        "Not all surgeons oppose it. Dr. Fenna Quarrie, a surgeon at St Brannock, said she "
        'supported the merger. "Teams '
        'who operate twice a week get better results than teams who operate twice a month," '
        "she said."
    )
    assert _one(body).speaker == "Fenna Quarrie"


def test_patronymics_the_dictionary_lacks_and_double_surnames_keep_the_whole_name() -> None:
    """ "Ганна Володимирівна Бондар-Кравець" was shown as "Володимирівна Бондар-Кравець", and a
    double surname in the instrumental was not found again from its label."""
    uk = (
        "Про це повідомила очільниця обласного центру зайнятості Ганна Володимирівна "
        "Бондар-Кравець. «Кожен курс ми погоджували з роботодавцями», — сказала Бондар-Кравець."
    )
    assert _one(uk, "uk").speaker == "Ганна Володимирівна Бондар-Кравець"
    interview = (
        "Ми поговорили з директором водоканалу Романом Ігоровичем Шевчуком-Ляшенком.\n\n"
        "Питання: Скільки труб замінили?\n\n"
        "Шевчук-Ляшенко: Десять кілометрів, і це лише початок.\n\n"
        "Питання: Коли подорожчає вода?\n\n"
        "Шевчук-Ляшенко: Не раніше, ніж регулятор ухвалить рішення."
    )
    quotes = _quotes(interview, "uk")
    assert {q.speaker for q in quotes} == {"Роман Ігорович Шевчук-Ляшенко"}


def test_a_name_after_a_body_and_a_verb_of_the_other_gender() -> None:
    """A person named right after a body ("Асоціації ... Полісся Максим Зарудний") was read as
    part of the body; "Кривошапка відповіла" was read as a man "Кривошапко"."""
    uk = (
        "Голова Асоціації індустріальних парків Полісся Максим Зарудний розповів про парк у "
        "Вербівці. «Ми не чекали держави і взяли кредит на підстанцію самі», — сказав він."
    )
    assert _one(uk, "uk").speaker == "Максим Зарудний"
    uk2 = (
        "Комісію очолила депутатка О. В. Кривошапка.\n\n"
        "Кривошапка відповіла, що комісія запросить специфікації. «Комплектація пояснює частину "
        "різниці, але не всю», — зауважила вона."
    )
    assert _one(uk2, "uk").speaker == "О. В. Кривошапка"


def test_an_official_and_a_role_with_the_name_after_it() -> None:
    """'— сказала чиновница' after an official the paragraph introduced, and '— рассказала
    руководитель проекта, эколог центра ... Ирина Маслова' were shown with no name."""
    ru = (
        "Глава Лесногорского района Людмила Петровна Осокина возразила, что денег на жильё нет. "
        "«Весь бюджет района — триста миллионов, и половина уходит на дороги», — сказала чиновница."
    )
    assert _one(ru, "ru").speaker == "Людмила Петровна Осокина"
    ru2 = (
        "Пункт приёма вторсырья откроется в декабре.\n\n"
        "«За каждую бутылку человек получит баллы на проезд в автобусе», — рассказала руководитель "
        "проекта, эколог центра «Чистый берег» Ирина Олеговна Маслова."
    )
    assert _one(ru2, "ru").speaker == "Ирина Олеговна Маслова"


def test_a_quote_after_a_sentence_about_its_speaker() -> None:
    """'Ostrander shrugs. "..."' after a paragraph in which someone else spoke was given to
    that other person."""
    body = (
        "Callum Ostrander has kept watch on the estuary for eleven winters.\n\n"
        "By five the shift is over. Hugo Feltham waits in the car park with a flask. The "
        "authority has been promised two cameras, he tells his inspector, not the four it asked "
        "for.\n\n"
        'Ostrander shrugs. "Two is better than none. The eels will still be here tomorrow."'
    )
    assert _one(body).speaker == "Callum Ostrander"


def test_a_role_naming_its_office_then_the_holder() -> None:
    """'Deputy Minister for Public Administration Harriet Penhallow' was read as one body, so
    'The deputy minister smiled. "...," she said' went to the other woman in the paragraph."""
    body = (
        "Deputy Minister for Public Administration Harriet Penhallow was more cautious. Ulla "
        "Sandvik, sitting beside her, said the data already justified a national rollout. The "
        'deputy minister smiled. "Ulla has her data, and I have a budget," she said.'
    )
    q = _one(body)
    assert (q.speaker, q.speaker_role) == ("Harriet Penhallow", "Deputy Minister for Public Administration")


def test_a_place_ending_like_a_valley_is_no_speaker() -> None:
    """'whose constituency includes Corrin Vale' made "Corrin Vale" the "she" of a later quote."""
    body = (
        "Health Minister Orla Venn visited the maternity unit on Monday.\n\n"
        "The opposition's health spokeswoman, Priya Hallo-Stone, whose constituency includes "
        'Corrin Vale, accused the minister of arriving late. "The minister is reviewing a fire she '
        'helped to start," Hallo-Stone said.\n\n'
        "The minister rejected that. Asked about the training budget, she said the number of "
        'places had risen this year, not fallen. "We have more midwives in training than at any '
        'point in a decade."'
    )
    assert [q.speaker for q in _quotes(body)] == ["Priya Hallo-Stone", "Orla Venn"]


def test_a_role_of_a_body_leads_to_the_one_person_holding_it() -> None:
    """'— додала очільниця фонду' was shown as the description "очільниця фонду" though the
    briefing had introduced the fund's director by name; 'Ковальчук відповіла ... — запевнила
    посадовиця' was shown with no name."""
    uk = (
        "Директорка благодійного фонду «Наша громада» Марина Сергіївна Климчук представила "
        "програму грантів для малого бізнесу.\n\n"
        "Гранти можна витратити на обладнання й оренду.\n\n"
        "«Ми свідомо не обмежуємо галузі: це може бути пекарня чи майстерня», — додала очільниця фонду."
    )
    assert _one(uk, "uk").speaker == "Марина Сергіївна Климчук"
    uk2 = (
        "Начальниця відділу освіти М. І. Ковальчук представила новий розклад автобусів.\n\n"
        "Ковальчук відповіла, що для таких дітей у школі організують чергування вчителя. "
        "«Жодна дитина не чекатиме на вулиці», — запевнила посадовиця."
    )
    assert _one(uk2, "uk").speaker == "М. І. Ковальчук"


def test_someone_unnamed_after_a_leading_phrase_keeps_the_quote_unnamed() -> None:
    """'During public questions, one resident ... "...," she told the committee' and 'One
    stallholder, selling eggs, laughed. "...," she said' were given to the woman named before."""
    body = (
        'Cllr Ada Lindgard said she supported the crossing. "The families of Mill Row deserve a '
        'letter," she said.\n\n'
        "During public questions, one resident of Brackenmoor Lane said parents had formed a human "
        'chain at the gate since January. "We are parents who are late for work," she told the '
        "committee.\n\n"
        'One stallholder, selling eggs from a folding table, laughed when told. "Two crowns and a '
        'form. There is always a form," she said.'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Ada Lindgard", None, None]


def test_a_name_inside_a_role_and_a_body_with_a_role_word_in_its_name() -> None:
    """'Hanne Solberg, managing director of the private operator Nordkap Cargo, said ... "...,"
    she said' went to "Nordkap Cargo"; 'Association of Independent Freight Operators' was read
    as a person "Freight Operators"; 'guidance published by X' was shown as a description."""
    body = (
        "Hanne Solberg-Achebe, managing director of the private operator Nordkap Cargo, said her "
        'company would bid. "A corridor is only as good as its slots," she said.\n\n'
        "The Association of Independent Freight Operators said in a statement that the tender "
        'favoured incumbents. "This is a gift to the largest operator," the association said.\n\n'
        '"Registered traders will pay two crowns, not six," according to guidance published by '
        "Orrin City Council last week."
    )
    assert [q.speaker for q in _quotes(body)] == [
        "Hanne Solberg-Achebe",
        "Association of Independent Freight Operators",
        "Orrin City Council",
    ]


def test_members_they_and_an_office_written_in_lower_case_lead_to_the_body() -> None:
    """'— отметили пчеловоды' after "Союз пчеловодов ...", '— отмечают они' after "В союзе
    считают", and '— добавили в ведомстве' after "В министерстве ... края сообщили" were shown
    with no name."""
    ru = (
        "Союз пчеловодов Липецкого края поддержал проверку мёда.\n\n"
        "При этом в союзе попросили публиковать названия нарушителей. «Покупатель должен знать, "
        "у кого мёд с сахаром», — отметили пчеловоды.\n\n"
        "В союзе считают, что штрафы слишком малы. «Тысяча рублей никого не остановит», — "
        "отмечают они.\n\n"
        "В министерстве сельского хозяйства Липецкого края сообщили, что проверка начата. «Пробы "
        "отправлены в лабораторию», — добавили в ведомстве."
    )
    assert [q.speaker for q in _quotes(ru, "ru")] == [
        "Союз пчеловодов Липецкого края",
        "Союз пчеловодов Липецкого края",
        "Министерство сельского хозяйства Липецкого края",
    ]


def test_the_one_who_asked_is_not_the_one_who_answers() -> None:
    """'When Quarshie asked whether ..., he shook his head. "...," he said' gave the answer to
    the man who asked."""
    body = (
        "Marek Oduya, general secretary of the civil servants' union, welcomed the results. When "
        "Desmond Quarshie asked whether the union would accept lower pay, he shook his head. "
        '"Absolutely not. A shorter week is a reward for productivity," he said.'
    )
    assert _one(body).speaker == "Marek Oduya"


def test_long_inverted_attributions_and_generic_nouns_in_ukrainian_and_russian() -> None:
    """'— розповів журналістам у четвер на полях форуму перший заступник ... Остап Гнатюк' was
    shown as the description "журналістам у четвер ..."; '— розповів співрозмовник' and
    'Посадовець визнав ... Він сказав: «...»' were shown with no name."""
    uk = (
        "Ми поговорили з посадовцями та експертами.\n\n"
        "«Закон дозволяє створити кооператив, але не дає йому грошей», — розповів журналістам у "
        "четвер на полях енергетичного форуму перший заступник голови обласного агентства Остап "
        "Ярославович Гнатюк.\n\n"
        "Посадовець визнав, що постанову готують уже вісім місяців. Він сказав: «Текст погоджено "
        "з усіма, крім фінансового департаменту».\n\n"
        "Голова правління кооперативу Роман Іванович Кушнір каже, що гроші вже зібрано. «Ми "
        "скинулися по вісім тисяч гривень із двору», — розповів співрозмовник."
    )
    assert [q.speaker for q in _quotes(uk, "uk")] == [
        "Остап Ярославович Гнатюк",
        "Остап Ярославович Гнатюк",
        "Роман Іванович Кушнір",
    ]


def test_a_woman_with_an_adjective_surname_and_a_body_named_in_an_oblique_case() -> None:
    """ "с Ольгой Семёновной Бережной" was named "Ольга Семёновна Бережной"; "иск муниципального
    унитарного предприятия «Водоканал»" lost its adjectives; '— сообщили на предприятии' was
    no body's words."""
    ru = (
        "Мы поговорили с директором библиотеки Ольгой Семёновной Бережной.\n\n"
        "— Кто к вам приходит вечером?\n\n"
        "— Студенты и пенсионеры, им дома холодно.\n\n"
        "— А платит кто?\n\n"
        "— Город, из резервного фонда."
    )
    assert {q.speaker for q in _quotes(ru, "ru")} == {"Ольга Семёновна Бережная"}
    ru2 = (
        "Суд отложил рассмотрение иска муниципального унитарного предприятия «Водоканал "
        "Ключегорска» к поставщику труб.\n\n"
        "«Мы вскрыли трассу и отправили образцы в лабораторию», — сообщили на предприятии."
    )
    assert _one(ru2, "ru").speaker == "Муниципальное унитарное предприятие «Водоканал Ключегорска»"


def test_someone_who_asked_not_to_be_named_stays_unnamed() -> None:
    """'Представитель истца, попросивший не называть его фамилию, ... — добавил он' was given
    to the man named in the paragraph before."""
    ru = (
        "Представитель ООО «Гидромонтаж» Сергей Витальевич Обухов заявил: «Подушку мы делали строго "
        "по проекту».\n\n"
        "Представитель истца, попросивший не называть его фамилию, сказал, что водоканал готов к "
        "экспертизе. «Пусть назначают, мы уверены в своём заключении», — добавил он."
    )
    assert [q.speaker for q in _quotes(ru, "ru")] == ["Сергей Витальевич Обухов", None]


def test_a_cyrillic_quote_nobody_introduces_is_not_given_to_the_nearest_name() -> None:
    """A quote nobody introduces, after a briefing that named more than one person, was shown
    with the name of the nearest, a reading right only half the time in Ukrainian and Russian."""
    uk = (
        "Сесія тривала шість годин. Голова громади Іван Петренко говорив першим, секретар ради "
        "Олег Коваль — другим.\n\n"
        "Депутати ухвалили бюджет і програму ремонту доріг.\n\n"
        "«Бюджет на наступний рік ми виконаємо, і в ньому вперше будуть гроші на дороги в селах»."
    )
    assert _one(uk, "uk").speaker is None


def test_a_quote_opening_its_paragraph_then_the_sentence_that_introduces_its_speaker() -> None:
    """'"...?" Morwenna Tallis, the opposition spokeswoman, had saved this one up' and '«...».
    Этими словами начала выступление обвинитель Т. Р. Мальцева' were shown with no name."""
    body = (
        "The question was about the ferry, and the minister was nowhere to be seen.\n\n"
        '"Can the minister tell the house when the new timetable will start?" Morwenna Tallis, '
        "the opposition spokeswoman for transport, had clearly saved this one up."
    )
    assert _one(body).speaker == "Morwenna Tallis"
    ru = (
        "В районном суде прошли прения сторон.\n\n"
        "«Подрядчик знал о трещинах в опорах ещё в марте и не сделал ничего». Этими словами начала "
        "выступление государственный обвинитель Т. Р. Мальцева."
    )
    assert _one(ru, "ru").speaker == "Т. Р. Мальцева"


def test_bodies_named_by_short_nouns_in_oblique_cases_and_with_nested_quotes() -> None:
    """'— говорится в заявлении компании' after 'АО «Хлебокомбинат „Северный“»', '— повідомили у
    міськраді' after 'Підгірська міська рада ...', and '— наголосили в інспекції' beside another
    body with "інспекції" in its name were shown with no name or with the wrong body."""
    ru = (
        "АО «Хлебокомбинат „Северный“» открыло линию безглютеновой выпечки.\n\n"
        "«Такой хлеб до сих пор привозили за тысячу километров», — говорится в заявлении компании."
    )
    assert _one(ru, "ru").speaker == "АО «Хлебокомбинат „Северный“»"
    uk = (
        "Підгірська міська рада оскаржила дозвіл на надбудову.\n\n"
        "У раді пообіцяли підтримати покупців. «Ми не залишимо людей сам на сам із проблемою», — "
        "повідомили у міськраді."
    )
    assert _one(uk, "uk").speaker == "Підгірська міська рада"
    uk2 = (
        "Державна інспекція якості питної води перевірила колодязі. Начальник Прибузького управління "
        "інспекції Олексій Гринчишин був на місці.\n\n"
        "«Кип'ятіння не допомагає, концентрація нітратів лише зростає», — наголосили в інспекції."
    )
    assert _one(uk2, "uk").speaker == "Державна інспекція якості питної води"


def test_a_first_name_the_dictionary_lacks_before_a_patronymic() -> None:
    """'директор ліцею Богдан Федорович Сизоненко' was named "Федорович Сизоненко"."""
    uk = "«Досі діти вивчали хімію по картинках», — каже директор ліцею Богдан Федорович Сизоненко."
    assert _one(uk, "uk").speaker == "Богдан Федорович Сизоненко"


def test_a_name_inside_the_marks_outranks_a_possessive_before_them() -> None:
    """'По его словам, ... «..., — подчеркнул Бармин. — ...»' gave the quote to whom "его" read
    as, not to the man the quote itself names."""
    ru = (
        "Глава Староборска Константин Вадимович Бармин провёл совещание. Представитель подрядчика "
        "Вадим Шуплецов пообещал работать в две смены.\n\n"
        "Градоначальника такие сроки, по его словам, устроят. «Мне не нужна набережная к празднику, "
        "— подчеркнул Бармин. — Каждый участок принимаем с технадзором»."
    )
    assert _one(ru, "ru").speaker == "Константин Вадимович Бармин"


def test_an_unnamed_source_in_a_body_is_not_the_body() -> None:
    """'Источник в администрации Лесогорска ... пояснил, что ... «...»' gave the quote to the
    town administration."""
    ru = (
        "Источник в администрации Лесогорска, знакомый с подготовкой торгов, пояснил, что денег на "
        "реставрацию нет. «Особняк требует шестидесяти миллионов, а бюджет управления меньше двадцати»."
    )
    assert _one(ru, "ru").speaker is None


def test_a_role_after_an_adverb_opens_the_sentence() -> None:
    """'Отдельно глава города поручил ... «...», — добавил он' went to the last man named,
    not to the head of the town the sentence is about."""
    ru = (
        "Глава Староборска Константин Вадимович Бармин провёл совещание.\n\n"
        "Представитель подрядчика Вадим Шуплецов пообещал работать в две смены. «Людей добавляем», "
        "— заверил он.\n\n"
        "Отдельно глава города поручил подумать о жителях соседних домов. «Ночью техника работать "
        "не будет», — добавил он."
    )
    assert [q.speaker for q in _quotes(ru, "ru")] == ["Вадим Шуплецов", "Константин Вадимович Бармин"]


def test_an_interview_with_unlabelled_questions_gives_the_answers_to_the_interviewee() -> None:
    """Markdown interviews set each question in bold with no label ('**Why did the round
    fail?**'); once the bold was gone, the answers were found as nothing at all."""
    body = (
        "Ottilie Marchbank has led the trade talks since 2023. We spoke to her on her return.\n\n"
        "Why did the sixth round fail?\n\n"
        "It did not fail, it stopped. We closed nine of the twelve chapters, more than anyone predicted.\n\n"
        "Karsland says you moved the goalposts on dairy. Did you?\n\n"
        "No. Our position on dairy has been the same since the first round, and it is written down.\n\n"
        "When will the seventh round take place?\n\n"
        "I expect it in February. I will not promise a signature at the end of it."
    )
    quotes = _quotes(body)
    assert len(quotes) == 3 and {q.speaker for q in quotes} == {"Ottilie Marchbank"}


def test_unlabelled_questions_before_named_answers_make_an_interview() -> None:
    """'**Чому ...?**' then '**Гордієнко:** ...': with the bold gone, the questions have no label
    and only the answers do; every answer was read as one speaker's prose and the whole
    interview gave no quotes, and a question after an answer was read as the answer running on."""
    body = (
        "Кооператив «Сонячна балка» уперше підвищив внесок. Ми поговорили з головою правління "
        "Лесею Гордієнко.\n\n"
        "Чому саме зараз?\n\n"
        "Гордієнко: Бо інакше ми не перезимуємо. Ремонт насосів обійшовся вдвічі дорожче.\n\n"
        "Ми показали всі рахунки на зборах.\n\n"
        "Як відреагували члени кооперативу?\n\n"
        "Гордієнко: Спокійніше, ніж я думала. Проти проголосували дев'ятеро.\n\n"
        "Чи буде ще одне підвищення?\n\n"
        "Гордієнко: Ні, якщо зима не буде аномальною."
    )
    quotes = _quotes(body, "uk")
    assert [q.text[:22] for q in quotes] == [
        "Бо інакше ми не перези",
        "Ми показали всі рахунк",
        "Спокійніше, ніж я дума",
        "Ні, якщо зима не буде ",
    ]
    assert {q.speaker for q in quotes} == {"Леся Гордієнко"}


def test_a_retort_is_an_attribution_and_a_first_name_with_an_apposition_is_someone() -> None:
    """'"...," the opposition leader retorted' was no attribution, so the retort went to the
    minister who had just spoken; 'Rebecca, the youngest of the three, retorted, "..."' was not
    found as a quote, and then shown with no name though the text names her."""
    body = (
        'Finance minister Odile Varga defended the levy. "It pays for the harbour," she said.\n\n'
        'Opposition leader Hamish Tate was unmoved. "It pays for your press office," the '
        "opposition leader retorted.\n\n"
        'Rebecca, the youngest of the three sisters, retorted, "I can look after myself."'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Odile Varga", "Hamish Tate", "Rebecca"]


def test_whoever_shoots_back_is_not_who_spoke_before_nor_a_body() -> None:
    """'"...," the cabinet member shot back' was no attribution ("shot back" was no speech verb),
    so it went to the councillor who had just spoken; read as one, "the cabinet member" went to
    the council, a body, because "cabinet" names one."""
    body = (
        "Brackmoor Borough Council voted on Tuesday. Presenting the proposal, the cabinet member "
        "for culture, Desmond Tullberry, said two branch libraries cost too much.\n\n"
        'Councillor Kwame Otterburn objected. "People go there to get warm and to print a form," '
        "he said.\n\n"
        '"Then fund a warm space, not a library nobody borrows from," the cabinet member shot back.'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Kwame Otterburn", "Desmond Tullberry"]


def test_forms_of_address_in_indian_and_nigerian_english_are_no_part_of_the_name() -> None:
    """ "Shri R. Venkatesh Iyer" was shown with "Shri" as part of his name, "Smt K. Lakshmi Devi"
    as a speaker called "Smt", and "Barrister Ifeoma Udeh" as a barrister's first name."""
    body = (
        'Managing director Shri R. Venkatesh Iyer said fares would not rise. "Commuters will not pay '
        'a single rupee more," Shri Iyer said.\n\n'
        'Transport minister Smt K. Lakshmi Devi welcomed the buses. "The city loses hours every '
        'day to traffic," Smt Lakshmi Devi said.\n\n'
        '"The contract was signed before the current rules," said Barrister Ifeoma Udeh, counsel '
        "for the operators."
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["R. Venkatesh Iyer", "K. Lakshmi Devi", "Ifeoma Udeh"]


def test_a_dotted_form_of_address_and_a_bodys_bare_head_noun() -> None:
    """ "Minister for Ports Smt. R. Meenakshi Rao" was split at the dot into a speaker called
    "Smt" (with the role) and the minister; "the Authority said", after the Harbour Development
    Authority was named in full, gave its quotes no speaker."""
    body = (
        "The Kovalam Harbour Development Authority will dredge the eastern basin from June, the "
        'Authority said on Friday. "The work will close two berths for six weeks," the Authority '
        "said in a statement.\n\n"
        'Minister for Ports Smt. R. Meenakshi Rao called the work overdue. "Ships have waited '
        'outside the breakwater for a decade," the Minister said.'
    )
    quotes = _quotes(body)
    assert [(q.speaker, q.speaker_role) for q in quotes] == [
        ("Kovalam Harbour Development Authority", None),
        ("R. Meenakshi Rao", "Minister for Ports"),
    ]
    # A co-operative is a body; "the Chamber" is the one named "... Chamber of ...".
    more = (
        "The Yarrabin Grain Growers Co-operative has signed a freight deal. Co-operative chair "
        'Bronwyn Teague said members were relieved.\n\n"The deal restores '
        'certainty for members before the harvest," the Co-operative said.\n\n'
        'The Kellerton Chamber of Industry and Commerce objected. "A nine per cent rise is not '
        'a revision, it is a shock," the Chamber said.'
    )
    assert [q.speaker for q in _quotes(more)] == [
        "Yarrabin Grain Growers Co-operative",
        "Kellerton Chamber of Industry and Commerce",
    ]


def test_bodies_named_by_a_federation_a_centre_or_a_government_of_a_place_speak() -> None:
    """ "— говорится в заявлении федерации" after "Краевая федерация садоводов" and "— говорится
    в сообщении правительства" after "Правительство Южной Ильмении" gave their quotes no
    speaker: neither was read as a body (the second as a person called "Южная Ильмения")."""
    body = (
        "Краевая федерация садоводов отреагировала на решение сдержанно. «Мы понимаем нужды "
        "бюджета, но просим не трогать участки пенсионеров», — говорится в заявлении федерации.\n\n"
        "Правительство Южной Ильмении утвердило программу связи для сёл.\n\n"
        "«Связь в селе — такая же необходимость, как дорога», — говорится в сообщении "
        "правительства.\n\n"
        "Межрайонный центр социальной помощи Озёрска напомнил, что пенсионеры могут получить "
        "помощь. «Заявку можно оставить по телефону горячей линии», — говорится в сообщении центра."
    )
    quotes = _quotes(body, "ru")
    assert [q.speaker for q in quotes] == [
        "Краевая федерация садоводов",
        "Правительство Южной Ильмении",
        "Межрайонный центр социальной помощи Озёрска",
    ]


def test_someone_who_asked_not_to_be_named_is_never_shown_with_a_name() -> None:
    """A source the text will not name was shown as the committee, as the governor whose aide
    spoke, or as the minister of the paragraph before."""
    body = (
        "Senator Rhea Tollington chairs the Senate Fisheries Committee. The bill is stuck there. "
        '"The calendar is set by the chair, full stop," said a committee staffer who asked not '
        "to be named.\n\n"
        "An aide to Gov. Marcus Hale-Denby, who was not authorized to discuss the talks, said "
        'the office had been promised a vote. "We had a handshake on this," the aide said.'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == [None, None]
    assert quotes[0].speaker_role == "committee staffer"
    ru = (
        "Министр Олег Белов пообещал закончить ремонт школ к зиме.\n\n"
        "«Денег на ремонт нет и не будет», — сказал на условиях анонимности сотрудник министерства."
    )
    quote = _one(ru, "ru")
    assert (quote.speaker, quote.speaker_role) == (None, "сотрудник министерства")


def test_words_quoted_inside_reported_speech_are_quotes_of_its_subject() -> None:
    """ "Finance Minister ... told reporters that the suspension was “a precaution, not a
    verdict”" gave no quote at all: quoted words after a speech verb, short of a sentence, were
    dropped as scare quotes. A title in quote marks after the verb is still no quote."""
    body = (
        "Finance Minister Corinne Adebayo-Strand told reporters in the capital that the "
        "suspension was “a precaution, not a verdict”.\n\n"
        "Inspector Rowan Trelawny said the inquiry was “far from over” and urged witnesses to "
        "come forward. He said the campaign “Safe Streets” would run until May.\n\n"
        "She said the review was “overdue by years”."
    )
    quotes = _quotes(body)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("a precaution, not a verdict", "Corinne Adebayo-Strand"),
        ("far from over", "Rowan Trelawny"),
        ("overdue by years", "Corinne Adebayo-Strand"),  # the one woman named
    ]
    ru = (
        "Министр транспорта Олег Белов заявил, что ремонт моста «идёт строго по графику» и закончится к зиме."
    )
    quote = _one(ru, "ru")
    assert (quote.text, quote.speaker) == ("идёт строго по графику", "Олег Белов")


def test_a_first_name_written_out_is_shown_rather_than_its_initial() -> None:
    """ "заместитель министра Марина Игоревна Ковальчук" then "М. И. Ковальчук ответила":
    every quote of hers was shown as "М. И. Ковальчук"; "А. М. Кравченко" named later as
    "Андрій Кравченко" stayed "А. М. Кравченко"."""
    body = (
        "Об этом сообщила заместитель министра Марина Игоревна Ковальчук.\n\n"
        "«Мы не хотим, чтобы люди получили первые квитанции зимой», — заявила Ковальчук.\n\n"
        "На вопрос о сроках М. И. Ковальчук ответила коротко. «Гарантировать я могу одно: зимой "
        "тарифы никто считать не будет», — добавила она."
    )
    quotes = _quotes(body, "ru")
    assert [q.speaker for q in quotes] == ["Марина Игоревна Ковальчук"] * 2
    # Initials first, the first name written out later: shown written out, either way round.
    uk = (
        "Рішення розкритикував голова асоціації громад Григорій Мирошниченко. Агенція "
        "зв’язалася з Г. С. Мирошниченком телефоном.\n\n"
        "«Кожен місяць відтермінування — це ще одна зима на старих трубах», — сказав він.\n\n"
        "Лист підписав генеральний директор ТОВ «Степ-Транс» А. М. Кравченко. Лист підписали "
        "Андрій Кравченко та Ілля Гарбуз. «Ми не проти платити за інфраструктуру», — додав "
        "Кравченко."
    )
    assert [q.speaker for q in _quotes(uk, "uk")] == ["Григорій Мирошниченко", "Андрій Кравченко"]


def test_a_relative_pronoun_tells_a_names_gender_and_next_is_no_first_name() -> None:
    """ "Заступниця голови агентства Мирослава Олексієнко, яка ..." was read as the genitive
    of a man's "Мирослав" (after "голови"), and her quotes went to him or to nobody;
    "Далі Завальнюк оголосив" ("next, Zavalniuk announced") made "Далі" his first name."""
    body = (
        "Заступниця голови агентства Мирослава Олексієнко, яка відповідає за співпрацю з "
        "громадами, розповіла, що до кампанії долучилися 46 громад. «Громади самі пропонують "
        "ділянки», — зазначила вона.\n\n"
        "Міністр Богдан Завальнюк приїхав до Ломачинців.\n\n"
        "Далі Завальнюк оголосив головну новину. «Програма запрацює з січня», — сказав міністр."
        "\n\n«Я цю фразу записав і ношу з собою», — зізнався Завальнюк."
    )
    quotes = _quotes(body, "uk")
    assert [q.speaker for q in quotes] == ["Мирослава Олексієнко"] + ["Богдан Завальнюк"] * 2


def test_a_role_never_runs_back_over_the_name_before_it() -> None:
    """ "ведущий экономист Центра Вера Столярова и основатель компании «МедЛинк» Глеб Аристов":
    his role was shown as "ведущий экономист Центра Вера Столярова и основатель ..."."""
    from bot.nlp.speakers import SpeakerIndex

    text = (
        "В дискуссии участвовали ведущий экономист Центра Вера Столярова и основатель компании "
        "«МедЛинк» Глеб Аристов."
    )
    index = SpeakerIndex(text, "ru", [])
    roles = {e.name: e.role for e in index.entities if not e.is_org}
    assert roles == {
        "Вера Столярова": "ведущий экономист Центра",
        "Глеб Аристов": "основатель компании «МедЛинк»",
    }


def test_a_compound_short_form_of_a_role_names_its_holder() -> None:
    """ "— подчеркнул замминистра" after "заместитель министра ... Г. Р. Шайхутдинов" gave no
    name: "замминистра" was not read as "заместитель министра" ("гендиректор" as "генеральный
    директор")."""
    body = (
        "На совещании выступили заместитель министра сельского хозяйства Г. Р. Шайхутдинов и "
        "генеральный директор агрохолдинга «Нива» Олег Рябов.\n\n"
        "«Мы сознательно ограничили программу малыми хозяйствами», — подчеркнул замминистра.\n\n"
        "«Крупные хозяйства справятся сами», — согласился гендиректор."
    )
    quotes = _quotes(body, "ru")
    assert [q.speaker for q in quotes] == ["Г. Р. Шайхутдинов", "Олег Рябов"]


def test_what_someone_called_something_and_a_statement_of_a_named_role() -> None:
    """ "назвал новые ставки «экономически бессмысленными»" was no quote ("назвать" was no
    verb of speech); "— говорится в комментарии гендиректора" gave no speaker (a statement
    read only as a body's)."""
    body = (
        "Генеральный директор АО «Теплосеть» Лидия Гайдамак назвала отсрочку «вынужденной, но "
        "разумной паузой».\n\n"
        "«Каждый месяц отсрочки — это ещё месяц, когда мы латаем трубы в долг», — говорится в "
        "комментарии гендиректора.\n\n"
        "Опрошенные назвали главной причиной низкие зарплаты. «Мы ждали другого, — сказала "
        "Гайдамак. — Но цифры есть цифры»."
    )
    quotes = _quotes(body, "ru")
    assert [(q.text[:20], q.speaker) for q in quotes] == [
        ("вынужденной, но разу", "Лидия Гайдамак"),
        ("Каждый месяц отсрочк", "Лидия Гайдамак"),
        ("Мы ждали другого. Но", "Лидия Гайдамак"),
    ]


def test_people_called_by_first_name_in_english_are_speakers() -> None:
    """A feature's residents called by first name only ("Margaret, who is 81, ...", "Alan is
    less forgiving") were not people: their quotes had no name, or the last full name's."""
    body = (
        "Councillor Rosalind Fairweather-Cole defended the cut at Tuesday's meeting.\n\n"
        "Margaret, who is 81 and has lived on Mill Lane for fifty years, takes the 47 to the "
        "hospital every fortnight.\n\n"
        "“I don’t drive, I never have,” she says.\n\n"
        "Alan is less forgiving. “They call it a commercial decision,” he says."
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Margaret", "Alan"]


def test_a_sentence_pointing_back_at_a_quote_names_who_said_it() -> None:
    """'"...."¶The rebuke came from Mrs Tudur-Price, who ...' gave the quote to the last
    speaker; "«...». Таку відповідь Петренку дав Олег Рибчак" to nobody (two people named)."""
    body = (
        'Committee chair Carys Penhallow opened the session. "We will hear the minister first," '
        "she said.\n\n"
        '"That is not a fair comparison, and the chair knows it."\n\n'
        "The rebuke came from Mrs Rhiannon Tudur-Price, who said the rail figures were older."
    )
    assert _one_speaker(body, 1) == "Rhiannon Tudur-Price"
    uk = (
        "Депутат Степан Петренко запитав, чому зал досі зачинений.\n\n"
        "«Бо на ремонт цього залу в бюджеті громади цього року немає жодної гривні». Таку "
        "відповідь Петренку дав голова громади Олег Рибчак."
    )
    assert _one(uk, "uk").speaker == "Олег Рибчак"


def _one_speaker(body: str, index: int) -> str | None:
    return _quotes(body)[index].speaker


def test_a_village_head_is_a_role_not_part_of_the_name() -> None:
    """ "Староста Грищенко" was shown as a person called "Староста Грищенко"."""
    body = (
        "На сесію прийшов староста Заріччя Василь Грищенко.\n\n"
        "«Мене цікавить не протокол, а годинник на стіні в ліцеї», — сказав Староста Грищенко."
    )
    assert _one(body, "uk").speaker == "Василь Грищенко"


def test_a_preposition_inside_a_role_does_not_put_the_name_in_another_case() -> None:
    """ "Председатель комитета по бюджету и налогам Г. Н. Ремизова ... заявила" was shown as
    "Г. Н. Ремизов", and "фермер із Вербівської громади Петро Гуменюк" as "Петра Гуменюк":
    the preposition was read as governing the name."""
    ru = (
        "Председатель комитета по бюджету и налогам Г. Н. Ремизова после заседания заявила "
        "журналистам, что программу сокращают.\n\n"
        "«Мы растягиваем программу на два года», — сказала Ремизова."
    )
    assert _one(ru, "ru").speaker == "Г. Н. Ремизова"
    uk = (
        "Заступник голови спілки, фермер із Вербівської громади Петро Гуменюк, розповів, що "
        "втратив ріпак.\n\n«Люди махнули рукою», — каже Гуменюк."
    )
    assert _one(uk, "uk").speaker == "Петро Гуменюк"


def test_a_pronoun_leading_to_a_name_and_a_radio_station() -> None:
    """ "Dr. Wadekar said ...¶Closing her address, Prof. Iyengar returned" made Wadekar a
    woman (the first pronoun after his name), so "she said" went to him; "told Radio Oduna"
    made the station a person who then took "he said"."""
    body = (
        'Chief guest Dr. Harish Wadekar spoke first. "Come and see what the dairy farmers are '
        'doing," Dr. Wadekar said.\n\n'
        "Closing her address, Prof. Meenakshi Iyengar returned to the students.\n\n"
        "“Go wherever life takes you, but remember who paid for your education,” she said."
    )
    assert _quotes(body)[-1].speaker == "Meenakshi Iyengar"
    radio = (
        "The House Minority Leader, Hon. Babatunde K. Alao, told Radio Oduna that the caucus "
        'would support the bill.\n\n"We support flood control. We do not support a new piggy '
        'bank," he said.'
    )
    assert _one(radio).speaker == "Babatunde K. Alao"


def test_words_someone_was_described_with_are_not_theirs() -> None:
    """ "He was also described as “lacking a conscience.”" made the words the described man's
    own quote."""
    body = (
        "The judge ruled that Wade Trallon was likely to pose a risk to others.\n\n"
        "He was also described as “lacking a conscience.”"
    )
    assert [q.speaker for q in _quotes(body)] in ([], [None])


def test_a_radio_presenter_is_the_interviewer_not_the_interviewee() -> None:
    """ "presenter Tunde Adeyemi-Cole spoke with the bill's sponsor, Adaeze Okonkwo-Ubah": two
    people in the introduction, neither known as the interviewer, so no answer had a name."""
    body = (
        "On Wednesday's programme, presenter Tunde Adeyemi-Cole spoke with the bill's sponsor, "
        "Hon. (Mrs.) Adaeze Okonkwo-Ubah, chair of the environment committee.\n\n"
        "— Your bill passed second reading yesterday. What does it do?\n\n"
        "— It says nobody can build on a flood plain without approval from the new agency.\n\n"
        "— Critics say it is another layer of bureaucracy.\n\n"
        "— Everybody is in charge of flooding today, so nobody is in charge.\n\n"
        "— How much will the fund hold?\n\n"
        "— One per cent of the state's monthly allocation, about four billion naira a year.\n\n"
        "— When will the bill become law?\n\n"
        "— Before the end of next month. The rains will not wait for us."
    )
    assert [q.speaker for q in _quotes(body)] == ["Adaeze Okonkwo-Ubah"] * 4


def test_a_first_name_after_a_verb_of_speech_names_the_speaker() -> None:
    """ "«...», — рассказывает Никита." gave no name: a first name the scan had not met as a
    person was a bare capitalised word, a guess."""
    body = (
        "Молодых в кооперативе двое. Одному из них, Никите, двадцать четыре года.\n\n"
        "«Все говорят: уезжай, здесь будущего нет», — рассказывает Никита."
    )
    assert _one(body, "ru").speaker == "Никита"


def test_streets_and_sentence_openers_are_no_speakers() -> None:
    """ "who has lived on Marine Parade since 1979" made a speaker called "Marine Parade";
    "Another asked ..." and "Crews responded ..." made speakers "Another" and "Crews"."""
    body = (
        "“I don’t drive, I never have,” says Maureen, who has lived on Marine Parade since 1979.\n\n"
        "Crews responded to four grass fires last weekend, all contained within hours, the "
        'service said. "This is unusual for the first week of April," it added.\n\n'
        "Another asked whether the town had considered the wetlands. \"I've lived here 52 years. "
        'This is how towns die," a man in the back row called out.'
    )
    speakers = {q.speaker for q in _quotes(body)}
    assert not speakers & {"Marine Parade", "Crews", "Another"}


def test_an_interviewer_who_also_puts_statements_and_a_headline_naming_the_interviewee() -> None:
    """ "**Grace Atieno:** Boat owners told us ...." (no question mark) between her questions:
    fewer than half her turns ended in one, so neither name asked and the interview gave no
    quotes. "Five minutes with... Dr Priya Chaudhry" over an introduction naming only the
    interviewer gave the answers no name."""
    labelled = (
        "Grace Atieno sat down with Dr Halima Mwakio, principal secretary for fisheries.\n\n"
        "Grace Atieno: Why close the whole lake?\n\n"
        "Dr Mwakio: Because closing the breeding grounds alone did not work.\n\n"
        "Grace Atieno: Boat owners told us they have received nothing.\n\n"
        "Dr Mwakio: The first payments went out last Thursday.\n\n"
        "Grace Atieno: Some say the registers are an excuse.\n\n"
        "Dr Mwakio: I understand why people feel that way.\n\n"
        "Grace Atieno: When will the lake reopen? Fishermen want a date.\n\n"
        "Dr Mwakio: On the first of September, unless the survey says otherwise."
    )
    assert [q.speaker for q in _quotes(labelled)] == ["Halima Mwakio"] * 4
    headline = analyze(
        "Five minutes with... Dr Priya Chaudhry, North Tamsworth Hospitals",
        "Ward & Board's Helen Marsh talks to the chief executive of the trust.\n\n"
        "How would you describe the state of the estate?\n\n"
        "Better than it was, worse than I would like.\n\n"
        "Has anything changed in the capital allocation?\n\n"
        "The tone has changed more than the money has.\n\n"
        "What keeps you awake at night?\n\n"
        "Water. Our hot water system in the older blocks.",
        "en",
    )
    assert [q.speaker for q in headline.quotes] == ["Priya Chaudhry"] * 3


def test_a_pronoun_inside_a_clause_right_before_its_verb_is_the_subject() -> None:
    """ "a rebuild programme she once described as “open-heart surgery ...”" showed the words
    under the description "eighteen months into a rebuild programme she once"; "North
    Tamsworth Hospitals" was a person who could take them."""
    body = (
        "Ward & Board's Helen Marsh talks to the chief executive of North Tamsworth Hospitals, "
        "eighteen months into a rebuild programme she once described as “open-heart surgery on "
        "a patient who is still walking about”."
    )
    quote = _one(body)
    # The pronoun's antecedent is not named here: no name, and no clause shown as a role.
    assert (quote.speaker, quote.speaker_role) == (None, None)


def test_an_adverb_opening_a_sentence_and_a_harbourmaster_are_no_part_of_a_name() -> None:
    """ "Afterwards Aroha ..." made a speaker "Afterwards Aroha"; "Harbormaster Tom Bickford"
    one called "Harbormaster Tom Bickford"."""
    body = (
        "Aroha Tane farms the ridge. Afterwards Aroha walked us to the fence line. “That hill "
        "has a name and a story,” she said.\n\n"
        "Harbormaster Tom Bickford runs the town dock. “The grant helped, but it was first come, "
        "first served,” Bickford said."
    )
    assert [q.speaker for q in _quotes(body)] == ["Aroha Tane", "Tom Bickford"]


def test_a_name_called_inside_words_the_speaker_quotes_is_not_someone_else_addressed() -> None:
    """ "«Вона мені сказала: „Не будь гордою, Ніно ...“», — згадує Ніна": the name called in
    the neighbour's words she repeats made the quote someone else's."""
    body = (
        "Ніна каже, що спершу соромилася просити допомоги. Переконала її сусідка Віра.\n\n"
        "«Вона мені так і сказала: „Не будь гордою, Ніно, гордість від дощу не вкриє“», — "
        "згадує Ніна й сміється."
    )
    assert _one(body, "uk").speaker == "Ніна"


def test_a_first_name_with_a_person_noun_in_apposition_is_a_person() -> None:
    """ "Петро, водій молоковоза, який ..., налаштований скептично. «...», — сміється він.":
    Петро was no person, so "він" went to the council head named before."""
    body = (
        "Голова громади Василь Дорошенко пообіцяв асфальт до жовтня.\n\n"
        "Петро, водій молоковоза, який двадцять років возить молоко на переробку, налаштований "
        "скептично. «Асфальт тут обіцяють відтоді, як я права отримав», — сміється він."
    )
    assert _one(body, "uk").speaker == "Петро"


def test_dash_questions_between_named_answers_make_an_interview() -> None:
    """ "**— Сколько хозяйств пострадало?**" between "**Ряжских:** ..." answers: each dash
    question was read as the answer before it running on, so the interview had one question and
    gave no quotes; and "— говорю, что ..." inside an answer was read as someone else's
    attribution."""
    body = (
        "Засуха уничтожила посевы на востоке области. Мы поговорили с председателем ассоциации "
        "фермеров Геннадием Ряжских.\n\n"
        "— Геннадий Павлович, это худший год за десять лет?\n\n"
        "Ряжских: Для восточных районов — да. Дождей не было с мая.\n\n"
        "— Сколько хозяйств пострадало?\n\n"
        "Ряжских: Больше половины. Я не говорю, что власти ничего не делают, — говорю, что денег "
        "не хватит.\n\n"
        "— Что вы попросите у правительства?\n\n"
        "Ряжских: Отсрочку по кредитам."
    )
    quotes = _quotes(body, "ru")
    assert [q.text[:20] for q in quotes] == [
        "Для восточных районо",
        "Больше половины. Я н",
        "Отсрочку по кредитам",
    ]
    assert {q.speaker for q in quotes} == {"Геннадий Ряжских"}


def test_the_interviewee_is_the_one_spoken_to_when_the_introduction_names_two() -> None:
    """An introduction that also named a predecessor left an interview's answers unattributed."""
    ru = (
        "Заповедник ограничил число посетителей. Прежний директор Антон Павлович Круглов был против. "
        "Мы поговорили с директором заповедника Ринатом Маратовичем Галимзяновым.\n\n"
        "Зачем вводить ограничения?\n\n"
        "Мы видели вытоптанные полосы по три метра вдоль настила после каждого выходного.\n\n"
        "Ограничения останутся навсегда?\n\n"
        "Лимит мы будем пересматривать каждый год по результатам мониторинга."
    )
    quotes = _quotes(ru, "ru")
    assert len(quotes) == 2 and {q.speaker for q in quotes} == {"Ринат Маратович Галимзянов"}


def test_an_article_with_rhetorical_questions_is_no_interview() -> None:
    """Two questions a reporter asks in passing must not turn the paragraphs after them into
    someone's words."""
    body = (
        "The council met on Tuesday. Councillor Ada Brent proposed a new bus lane.\n\n"
        "Who pays for it?\n\n"
        "The county will cover two thirds of the cost, according to the report.\n\n"
        "And when will it open?\n\n"
        "Work is due to start in March and take six months."
    )
    assert _quotes(body) == []


def test_a_quote_first_then_so_says_and_a_name_in_quote_marks() -> None:
    """Expert round-ups open with the quote: '"..." So says Idris Caldecote, director of ...'
    and '«...». Так формулирует проблему руководитель приёмной «Городской контроль» Арсений
    Дымшаков' went to the expert of the paragraph before."""
    body = (
        'Aurelia Penn, a lecturer in utility economics, thinks the principle is sound: "People '
        'respond to price signals on water, slowly but reliably."\n\n'
        '"A tariff that rises with use is fair in theory and brutal in a house with six children." '
        "So says Idris Caldecote, director of the Southmere Households Advice Centre."
    )
    assert [q.speaker for q in _quotes(body)] == ["Aurelia Penn", "Idris Caldecote"]
    ru = (
        "Профессор университета Вера Николаевна Тихвинцева считает эксперимент полезным: «После "
        "восьмого часа производительность резко падает».\n\n"
        "«Для горожанина главный вопрос — сможет ли он попасть на приём в пятницу». Так формулирует "
        "проблему руководитель общественной приёмной «Городской контроль» Арсений Дымшаков."
    )
    assert [q.speaker for q in _quotes(ru, "ru")] == ["Вера Николаевна Тихвинцева", "Арсений Дымшаков"]


def test_a_role_opening_a_sentence_is_held_by_the_name_set_off_after_it() -> None:
    """'The shadow housing minister, Cordelia Ashgrove, was on her feet ... "...," she said'
    went to the housing minister named before, whose role also has "minister"."""
    body = (
        'Housing Minister Rosalind Penn opened for the government. "This bill stops rents getting '
        'worse," she told members.\n\n'
        "The shadow housing minister, Cordelia Ashgrove, was on her feet before the minister had "
        'sat down. "The minister has written a bill for the city and forgotten the valleys," she said.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Rosalind Penn", "Cordelia Ashgrove"]


def test_the_interviewee_is_the_one_the_questions_call_by_name() -> None:
    """'Мы попросили директора ... ответить' after a quote from the mayor named two people, and
    the answers went to no one; the question 'Галина Сергеевна, ...' says who answers."""
    ru = (
        "Глава посёлка Ирина Павловна Сомова назвала отключение недопустимым. «Так работать "
        "нельзя», — сказала она.\n\n"
        "Мы попросили директора котельной Галину Сергеевну Лебедь ответить на вопросы читателей.\n\n"
        "Галина Сергеевна, почему тепло дали только в пятницу?\n\n"
        "Потому что мы меняли насос, и второй насос мы ждали из области три дня.\n\n"
        "Это повторится зимой?\n\n"
        "Я не могу этого обещать, пока мы не заменим весь узел."
    )
    answers = [q for q in _quotes(ru, "ru") if q.text.startswith(("Потому", "Я не"))]
    assert [q.speaker for q in answers] == ["Галина Сергеевна Лебедь"] * 2


def test_dialogue_dashes_alternate_even_without_question_marks() -> None:
    """In a dash interview a question may be a statement ('— В мэрии считают, что ...') and an
    answer may end in a question mark: the turns alternate, so the statement is not the
    interviewee's and the last answer is."""
    ru = (
        "О бюджете мы поговорили с председателем комиссии Верой Антоновной Гусевой.\n\n"
        "— Вера Антоновна, на что не хватит денег?\n\n"
        "— На ремонт двух школ. Мы перенесём его на следующий год.\n\n"
        "— В мэрии считают, что ремонт можно начать весной.\n\n"
        "— Пусть мэрия покажет, где взять сорок миллионов. Я таких денег не вижу.\n\n"
        "— А если область поможет?\n\n"
        "— Поможет — начнём. Но кто сейчас даст деньги без софинансирования?\n\n"
        "— Когда комиссия проголосует?\n\n"
        "— Во вторник, если никто не попросит перенести заседание."
    )
    texts = [q.text for q in _quotes(ru, "ru") if q.speaker == "Вера Антоновна Гусева"]
    assert not any(t.startswith("В мэрии") for t in texts)
    assert any(t.startswith("Поможет") for t in texts)


def test_an_interviewers_label_in_lower_case_words_is_still_a_label() -> None:
    """'Деловой вестник:' as the interviewer's label was read as no label, so the interview was
    no interview and every answer was lost."""
    ru = (
        "О планах завода рассказал его директор Олег Петрович Курицын.\n\n"
        "Деловой вестник: Выпуск вырос на треть. За счёт чего?\n\n"
        "Олег Курицын: За счёт новой линии, которую мы запустили весной.\n\n"
        "Деловой вестник: Цены вырастут?\n\n"
        "Олег Курицын: В этом году нет, мы заложили рост затрат в маржу."
    )
    quotes = _quotes(ru, "ru")
    assert [q.text[:8] for q in quotes] == ["За счёт ", "В этом г"]
    assert {q.speaker for q in quotes} == {"Олег Петрович Курицын"}


def test_a_declined_name_in_quote_marks_is_not_a_quote() -> None:
    """A newspaper's or a programme's name in an oblique case ('«Деловому вестнику»', capitalised
    on its first word only) was shown as the words of the person named after it."""
    ru = (
        "О причинах «Деловому вестнику» рассказал директор компании Олег Курицын. По его словам, "
        "в программу «Степной колос», по которой возмещают затраты, направят ещё 300 миллионов."
    )
    assert _quotes(ru, "ru") == []


def test_a_clause_pointing_back_at_the_quote_names_its_speaker() -> None:
    """'«...», — так описує ніч староста ... Олег Бондар', '— такой была позиция, которую
    озвучил представитель ...': no speech verb follows the dash, and the quote showed no name."""
    uk = (
        "«Вода зайшла за дві години. Ми не встигли винести навіть документи», — так описує ніч "
        "на 3 червня староста Верхніх Лук Олег Бондар."
    )
    assert _one(uk, "uk").speaker == "Олег Бондар"
    ru = (
        "«Судно вело промысел в запретной зоне. Экипаж отказался выполнять требования», — такой "
        "была позиция, которую во вторник озвучил представитель МИД Меридии Андрес Кальво."
    )
    q = _one(ru, "ru")
    assert (q.speaker, q.speaker_role) == ("Андрес Кальво", "представитель МИД Меридии")


def test_a_described_speaker_after_reported_speech_is_the_one_who_spoke() -> None:
    """'Речниця ... Вероніка Штольц розповіла, що ... «...», — додала дипломатка': the noun
    describes the woman whose reported speech the quote goes on, not someone new."""
    uk = (
        "Речниця міністерства Вероніка Штольц розповіла, що консульський відділ уже отримує "
        "запити. «Телефони не замовкають з учорашнього вечора», — додала дипломатка."
    )
    assert _one(uk, "uk").speaker == "Вероніка Штольц"
    # Another woman named in the paragraph: the description stays a description.
    uk2 = (
        "Речниця міністерства Вероніка Штольц розповіла, що черги зросли, а мешканка Оксана Ліс "
        "чекала три години. «Телефони не замовкають з учорашнього вечора», — додала дипломатка."
    )
    assert _one(uk2, "uk").speaker is None


def test_a_womans_surname_the_dictionary_knows_only_as_a_mans_first_name() -> None:
    """'Алина Сечкина': the dictionary reads 'Сечкина' only as the genitive of a first name
    'Сечкин', so the name came out as 'Алин Сечкин', or, with her patronymic, as two names
    and no speaker at all."""
    ru = (
        "Пресс-секретарь министерства Алина Гаврииловна Сечкина уточнила, что обследование полей "
        "продлится до конца месяца. «Комиссии работают в каждом хозяйстве», — сказала она."
    )
    assert _one(ru, "ru").speaker == "Алина Гаврииловна Сечкина"
    assert _one(ru.replace("Гаврииловна ", ""), "ru").speaker == "Алина Сечкина"


def test_a_role_that_runs_into_a_name_is_that_persons() -> None:
    """'Председатель ... службы Елена Бухарова ... «...», — сказала она': the role opening the
    paragraph was read as the earlier chairwoman's, who got the quote."""
    ru = (
        "Председатель совета дома Нина Фёдоровна Кречет привела на слушания весь подъезд.\n\n"
        "Председатель региональной службы по тарифам Елена Викторовна Бухарова, которая вела "
        "слушания, напомнила, что решение принимает служба. «Семнадцать процентов мы не "
        "утвердим», — сказала она."
    )
    assert _one(ru, "ru").speaker == "Елена Викторовна Бухарова"


def test_a_role_noun_goes_to_the_one_introduced_with_it_when_a_sentence_names_two() -> None:
    """'Депутат ... Марат Шайхутдинов направил запрос министру ... Юрию Гельфанду. «...», —
    заявил депутат': the minister's name came after the word 'Депутат' too, so the noun
    seemed to fit both men and the quote had no name."""
    ru = (
        "Депутат областной думы от Белослободского округа Марат Шайхутдинов направил запрос "
        "министру здравоохранения Юрию "
        "Павловичу Гельфанду. «Закрыть отделение за две недели — так не делается», — заявил депутат."
    )
    assert _one(ru, "ru").speaker == "Марат Шайхутдинов"


def test_whom_the_words_were_said_to_after_the_speaker_is_cut_off() -> None:
    """'— сказал фермер корреспонденту агентства': the addressee after the noun made the
    phrase a description ('фермер корреспонденту агентства') instead of the farmer named."""
    ru = (
        "Глава крестьянского хозяйства Олег Баймуханов считает, что режим ЧС ввели слишком поздно. «Мы писали в "
        "министерство ещё двадцатого июня», — сказал фермер корреспонденту агентства."
    )
    assert _one(ru, "ru").speaker == "Олег Баймуханов"


def test_a_party_in_quote_marks_inside_an_attribution_is_not_the_next_quote() -> None:
    """'— заявил депутат парламента Тавинии от партии «Отечество и порядок» Рихард Солонский':
    the party's name in quote marks cut the attribution short, and the country was shown
    as the speaker."""
    ru = (
        "«Правительство снова решило вопрос за закрытыми дверями, не спросив парламент», — заявил "
        "депутат парламента Тавинии от оппозиционной партии «Отечество и порядок» Рихард Солонский."
    )
    assert _one(ru, "ru").speaker == "Рихард Солонский"


def test_a_long_attribution_ends_with_the_speakers_name() -> None:
    """Inside the marks, between dashes, or after them: a long run of appositions ends with
    the name; a country in the genitive ('посол Ладонии') or the body a role belongs to
    ('директор предприятия «...»') is not the speaker."""
    inner = (
        "«Ни одна экспертиза не будет признана нами независимой, — сказал в интервью телеканалу "
        "«Тарнов-24» посол Ладонии в Вестмарке, до прошлого года занимавший пост заместителя "
        "министра, Эдуард Кшиштофович Ламберт-Осинский. — Платить должны обе стороны»."
    )
    assert _one(inner, "ru").speaker == "Эдуард Кшиштофович Ламберт-Осинский"
    after = (
        "«Мы пустим два дополнительных маршрута через плотину», — предупредил на том же заседании "
        "директор муниципального предприятия «Новоильинский автобусный парк», отвечающего за все "
        "городские маршруты, Геннадий Рустамович Ахметшин."
    )
    assert _one(after, "ru").speaker == "Геннадий Рустамович Ахметшин"


def test_the_rest_of_the_names_own_sentence_brings_in_no_one_new() -> None:
    """'Ступак пообещала обсудить эту модель на совете директоров. «...», — заметила она': the
    words after her name were read as a new sentence opened by someone described
    ('директоров'), so 'она' was a guess and no name was shown."""
    ru = (
        "Начальник управления образования Вера Николаевна Ступак выступила второй.\n\n"
        "Ступак пообещала обсудить эту модель на районном совете директоров. «Если область "
        "согласится, я готова попробовать на двух-трёх школах», — заметила она."
    )
    assert _one(ru, "ru").speaker == "Вера Николаевна Ступак"


def test_a_first_name_alone_after_a_role_is_a_person() -> None:
    """'Учительница местной школы Ирина принесла ...': a first name with no surname, before a
    verb that is not a speech verb, was no one, and 'сказала она' had no one to refer to."""
    ru = (
        "Зал зааплодировал. Учительница местной школы Ирина принесла на слушания подписные листы. "
        "«Шестьсот подписей за три дня. Это почти каждый второй взрослый», — сказала она."
    )
    assert _one(ru, "ru").speaker == "Ирина"


def test_a_role_with_its_body_describes_the_paragraphs_speaker() -> None:
    """'Губернатор ... Серебряков ответил, что ... «...», — сказал глава региона', '...
    Лозовицкий ещё до начала заседания заявил, что ... «...», — заявил журналистам защитник':
    the noun describes the man whose reported speech the quote goes on."""
    ru = (
        "Губернатор края Вадим Анатольевич Серебряков ответил, что сыроварни к экспорту готовы. "
        "«Наши производители готовы хоть завтра», — сказал глава региона."
    )
    assert _one(ru, "ru").speaker == "Вадим Анатольевич Серебряков"
    ru2 = (
        "Адвокат подсудимого Марк Эдуардович Лозовицкий ещё до начала заседания заявил, что его "
        "подзащитный невиновен. «Мой подзащитный не подписал ни одного платёжного поручения», — "
        "заявил журналистам защитник."
    )
    assert _one(ru2, "ru").speaker == "Марк Эдуардович Лозовицкий"


def test_a_short_quote_after_a_colon_is_the_subjects() -> None:
    """'Гайова підхопила: «Саме про це я й питаю».': a colon after a named subject introduces
    their words, however few; the quote was dropped as too short to be anyone's."""
    uk = "Депутатка Людмила Гайова виступила після міністра.\n\nГайова підхопила: «Саме про це я й питаю»."
    assert _one(uk, "uk").speaker == "Людмила Гайова"


def test_a_body_in_a_role_is_not_the_subject_of_its_sentence() -> None:
    """'Председатель ... движения «Домовой совет» Нина Ветрова попросила: «...»': the quote
    went to the movement named inside her role."""
    ru = (
        "Председатель регионального отделения движения «Домовой совет» Нина Ветрова "
        "приветствовала продление, но попросила усилить приёмку работ: «Жители должны "
        "подписывать акт приёмки вместе с управляющей компанией»."
    )
    assert _one(ru, "ru").speaker == "Нина Ветрова"


def test_a_quote_opening_its_paragraph_goes_on_from_the_speaker_before_unless_it_answers() -> None:
    """'Дорошенко парирувала, що ...¶«...», — сказала депутатка': the described speaker is the
    one whose reported speech ends the paragraph before. '— возразил замглавы' answers that
    speaker, so it is someone else."""
    uk = (
        "Голова підкомітету Оксана Дорошенко парирувала, що економія на папері не лікує пацієнтів.\n\n"
        "«Я була в Лозоводську минулого місяця, — сказала депутатка. — Про яку економію ми говоримо?»"
    )
    assert _one(uk, "uk").speaker == "Оксана Дорошенко"
    ru = (
        "Депутат городской думы Алексей Ганичев назвал сроки слишком оптимистичными и напомнил, "
        "что подрядчик до сих пор не выбран.\n\n"
        "«Конкурс объявим в ноябре, и сроки мы выдержим», — возразил замглавы администрации."
    )
    assert _one(ru, "ru").speaker != "Алексей Ганичев"


def test_the_interviewer_of_a_named_outlet_is_not_the_interviewee() -> None:
    """'She sat down with Red Willow Public Radio's Jake Morrissey': two people in the
    introduction left every answer unattributed, though one of them asks for the outlet."""
    body = (
        "Dr. Lorena Castillo-Whitaker took over as director of the water authority in June. She "
        "sat down with Red Willow Public Radio's Jake Morrissey last week.\n\n"
        "Q: What has surprised you?\n\n"
        "A: Honestly, how much people already know about their own wells.\n\n"
        "Q: What are you going to do about it?\n\n"
        "A: We are offering free testing to every private well in the county."
    )
    quotes = _quotes(body)
    assert len(quotes) == 2 and {q.speaker for q in quotes} == {"Lorena Castillo-Whitaker"}


def test_a_mans_surname_in_the_genitive_does_not_make_him_a_woman() -> None:
    """'По словам Стрижова': the genitive of '-ов' is spelt as a woman's surname, and its vote
    made 'полковник А. В. Стрижов' a woman, so '— заявил он' found no one."""
    ru = (
        "Полковник полиции А. В. Стрижов назвал главной причиной аварий выезд на встречную полосу. "
        "«Почти каждое второе ДТП со смертельным исходом — это лобовое столкновение», — заявил он.\n\n"
        "По словам Стрижова, на трассах установлены 23 новых комплекса. «Мы не прячем камеры», — "
        "подчеркнул полковник."
    )
    assert [q.speaker for q in _quotes(ru, "ru")] == ["А. В. Стрижов"] * 2


def test_a_pronoun_right_before_the_verb_is_its_subject() -> None:
    """'Asked whether ... was a humiliation for the Treasury, which had ..., she replied: "..."':
    the phrase before the relative clause was taken as the subject and shown as the speaker."""
    body = (
        "Helena Marchbank spoke to reporters.\n\n"
        "Asked whether the climbdown was a humiliation for the Treasury, which had pencilled in "
        '£140m a year from the levy, she replied: "It is not a U-turn to get a policy right before '
        'it comes into force."'
    )
    assert _one(body).speaker == "Helena Marchbank"


def test_an_unnamed_source_stops_counting_once_the_text_returns_to_the_named_person() -> None:
    """An unnamed official, then 'A former teacher from Alder Creek, the senator built her
    reputation ... "...," she said': the sentence about the senator in between made 'she' a
    guess."""
    body = (
        "State Sen. Harriet Lindqvist said Wednesday that she will not run again.\n\n"
        "One county party official, who asked not to be named, said three candidates had called.\n\n"
        "A former science teacher from Alder Creek, the senator built her reputation on farm "
        "issues.\n\n"
        '"If I can get that one over the line, I\'ll walk out of that building a happy woman," she said.'
    )
    assert _quotes(body)[-1].speaker == "Harriet Lindqvist"


def test_a_name_in_the_openers_reported_speech_is_not_a_later_speaker() -> None:
    """'Mrs Threlfall ... conceded that she and Dr Marchetti-Hale agreed ... "...," she said':
    the other woman, named inside what Mrs Threlfall conceded, got the quote."""
    body = (
        "Dr Lucy Marchetti-Hale spoke first. Mrs Joanna Threlfall followed.\n\n"
        "Mrs Threlfall, given the last word, conceded that she and Dr Marchetti-Hale agreed on more "
        'than either would admit. "Lucy is right about staffing, and I would want her advice," she said.'
    )
    assert _one(body).speaker == "Joanna Threlfall"


def test_a_clergy_title_is_not_part_of_the_name() -> None:
    """'the Revd Simon Ashworth': 'Revd' was read as a first name, unlike 'Dr' or 'Cllr'."""
    q = _one('"We will take questions in turn," said the Revd Simon Ashworth, who chaired the hustings.')
    assert q.speaker == "Simon Ashworth"


def test_a_long_role_before_a_cyrillic_name_is_kept_whole() -> None:
    """'директор муниципального предприятия «Ледовские тепловые сети» Константин ...',
    'заместитель главы администрации по транспорту Максим ...': a body's name in quote marks
    or what the post is over made the role too long, and /quote showed no role at all."""
    ru = (
        "«Котельная выйдет на полную мощность к среде», — сообщил директор муниципального "
        "предприятия «Ледовские тепловые сети» Константин Ильич Дробязко."
    )
    assert _one(ru, "ru").speaker_role == "директор муниципального предприятия «Ледовские тепловые сети»"
    ru2 = (
        "Предложение представил заместитель главы администрации по транспорту Максим Юрьевич "
        "Беляков. «Маршрут продлят до вокзала», — сказал он."
    )
    assert _one(ru2, "ru").speaker_role == "заместитель главы администрации по транспорту"


def test_a_role_given_as_the_sentences_predicate() -> None:
    """'Chidinma Okafor took over as head of library services at Marfield County Council in
    January': the role the sentence gives her was shown nowhere."""
    body = (
        "Chidinma Okafor took over as head of library services at Marfield County Council in January. "
        '"We will keep every branch open," Okafor said.'
    )
    assert _one(body).speaker_role == "head of library services at Marfield County Council"


def test_initials_written_out_later_show_the_full_name() -> None:
    """'врач Н. К. Сомова' in a list, then 'выступила Наталья Константиновна Сомова': the
    quote showed the initials though the text had given her full name."""
    ru = (
        "Среди награждённых — врач Н. К. Сомова и учитель П. Р. Лыков.\n\n"
        "От имени награждённых выступила Наталья Константиновна Сомова. «Многие из этих детей уже "
        "сами стали родителями», — сказала она."
    )
    assert _one(ru, "ru").speaker == "Наталья Константиновна Сомова"


def test_a_body_named_in_full_only_in_the_attribution() -> None:
    """'— сообщили в Государственной инспекции труда в Таёжинской области': the words inside
    the quote ('Инспекция начала проверку') were taken for the body's name."""
    ru = (
        "«Инспекция начала внеплановую документарную проверку по обращению работников», — "
        "сообщили в Государственной инспекции труда в Таёжинской области."
    )
    assert _one(ru, "ru").speaker == "Государственная инспекция труда в Таёжинской области"


def test_a_role_noun_does_not_go_to_someone_of_the_other_gender() -> None:
    """'— сказал глава региона' went to the woman who heads a department ('глава управления'),
    the last person whose role has the word 'глава'."""
    ru = (
        "Губернатор Аркадий Семёнович Веретенников провёл совещание. Глава управления финансов "
        "Нина Павловна Дробышева доложила о долгах.\n\n"
        "«Материалы переданы в контрольное управление», — сказал глава региона."
    )
    assert _one(ru, "ru").speaker != "Нина Павловна Дробышева"


def test_an_abbreviation_defined_in_brackets_is_the_body() -> None:
    """'ПАО «Кремнегорский металлургический комбинат» (КМК)', later '— сообщили в КМК': the
    quote showed the bare letters instead of the company."""
    ru = (
        "ПАО «Кремнегорский металлургический комбинат» (КМК) сократило прибыль на треть.\n\n"
        "«Инвестиционная программа на ближайшие три года сохраняется», — сообщили в КМК."
    )
    assert _one(ru, "ru").speaker == "ПАО «Кремнегорский металлургический комбинат»"


def test_an_irish_name_with_a_nickname_and_an_accented_particle() -> None:
    """ "Seamus 'Sonny' Ó Dubhda": a capital with an accent started no name, and the surname
    after the nickname was lost with it, so his words had no speaker."""
    body = (
        "After 31 years, Seamus 'Sonny' Ó Dubhda has stepped down as coxswain.\n\n"
        '"I will miss the boat more than the pager," Ó Dubhda said.'
    )
    assert _one(body).speaker == "Seamus Ó Dubhda"


def test_the_interviewee_sat_down_with_the_paper() -> None:
    """'Ó Dubhda sat down with the *Clare Coast Herald*': the one who sits down with the outlet
    answers, when the introduction also names his successor and a colleague."""
    body = (
        "Martin Keane has stepped down as coxswain. His successor, Aoife Kilbride, took command "
        'last week. "She will do well," said station mechanic Joe Farrell.\n\n'
        "Keane sat down with the Clare Coast Herald on the slipway.\n\n"
        "How does it feel to hand over the boat?\n\n"
        "Strange. I have carried that pager for thirty years.\n\n"
        "What will you miss?\n\n"
        "The crew, mostly. I will not miss the winter call-outs."
    )
    answers = [q for q in _quotes(body) if q.text.startswith(("Strange", "The crew"))]
    assert [q.speaker for q in answers] == ["Martin Keane"] * 2


def test_interview_labels_of_initials_are_the_person_with_them() -> None:
    """'В. К.:' before each answer was shown as the speaker's name; it is Вера Кривошеина's."""
    ru = (
        "Генеральный директор АО «Молочный двор» Вера Андреевна Кривошеина рассказала о работе.\n\n"
        "ДК: За счёт чего удалось сократить отсрочку?\n\n"
        "В. К.: Пересмотрели контракты с торговыми сетями.\n\n"
        "ДК: Закупочная цена будет расти?\n\n"
        "В. К.: Летом цена традиционно снижается, молока больше."
    )
    quotes = _quotes(ru, "ru")
    assert len(quotes) == 2 and {q.speaker for q in quotes} == {"Вера Андреевна Кривошеина"}


def test_an_international_charity_is_a_body() -> None:
    """'Harvest Bridge International said in a statement', then 'they said': a name with no
    word of a body's read as a person nobody knew, and both quotes went unattributed."""
    body = (
        '"Families have eaten the seed they were saving," Harvest Bridge International said in a '
        "statement.\n\nHarvest Bridge is also urging the government to act. "
        '"A waiver would cost the treasury very little," they said.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Harvest Bridge International"] * 2


def test_a_source_who_gives_only_a_first_name_is_shown_by_it() -> None:
    """'One tenant, who asked to be identified only as Dolores, said ...': the name she gave
    is the one to show, not the description."""
    body = (
        "One Corliss Avenue tenant, who asked to be identified only as Dolores, said she received "
        'her notice before Christmas. "They told me the renovation would take six months."'
    )
    assert _one(body).speaker == "Dolores"


def test_a_comparative_opening_the_sentence_is_not_its_subject() -> None:
    """'Позже, отвечая на вопросы журналистов, Пименов уточнил: «...»': 'Позже' was taken as
    the subject and the quote had no name."""
    ru = (
        "Глава района Сергей Анатольевич Пименов выступил первым.\n\n"
        "Позже, отвечая на вопросы журналистов, Пименов уточнил: «Проект реконструкции ливневой "
        "канализации у нас есть»."
    )
    assert _one(ru, "ru").speaker == "Сергей Анатольевич Пименов"


def test_a_title_with_a_dot_after_the_verb_leads_on_to_the_name() -> None:
    """'"...," said Coun. Simone Achterberg': the title's dot ended the attribution at 'Coun',
    and the quote had no name."""
    body = '"We have reviewed this to death," said Coun. Simone Achterberg, one of the four members.'
    assert _one(body).speaker == "Simone Achterberg"


def test_an_irish_deputy_is_a_role() -> None:
    """'Local TD Ciarán Mac Giolla Rua said ...': 'TD' was read as part of his name, and a
    name nobody else bore left 'he said' unsure."""
    body = (
        "Local TD Ciarán Mac Giolla Rua said he would raise the figures in the Dáil next week. "
        '"Every winter we get the same statement and the same apology," he said.'
    )
    q = _one(body)
    assert (q.speaker, q.speaker_role) == ("Ciarán Mac Giolla Rua", "Local TD")


def test_a_statement_of_a_body_named_by_its_quoted_name_in_another_case() -> None:
    """'— говорится в ответе «Северной мельницы»': the company 'Мукомольная компания «Северная
    мельница»' named by its quoted name in the genitive was only a guess, and no name shown."""
    ru = (
        "Мукомольная компания «Северная мельница» закрывает элеватор.\n\n"
        "В компании уточнили, что всем сотрудникам предложат перевод. «Никто из работников не будет "
        "уволен без предложения другой работы», — говорится в ответе «Северной мельницы» на запрос "
        "«Делового края»."
    )
    assert _one(ru, "ru").speaker == "Мукомольная компания «Северная мельница»"


def test_a_statement_referred_to_by_a_pronoun_is_the_bodys() -> None:
    """'У ТОВ «...» надіслали письмову відповідь. «...», — ідеться в ній': 'in it' is the reply
    the company sent, but the quote had no name."""
    uk = (
        "У ТОВ «Поліський агроресурс» на наш запит надіслали письмову відповідь. «Товариство взяло "
        "участь в аукціоні на загальних підставах», — ідеться в ній."
    )
    assert _one(uk, "uk").speaker == "ТОВ «Поліський агроресурс»"


def test_an_agricultural_holding_is_a_body() -> None:
    """'— йдеться в повідомленні агрохолдингу' after 'Агрохолдинг «Зелений клин»': the noun
    was not known as a body's."""
    uk = (
        "Агрохолдинг «Зелений клин» закриває елеватор у Дубрівні.\n\n"
        "«Рішення ухвалено після двох сезонів збиткової роботи», — йдеться в повідомленні агрохолдингу."
    )
    assert _one(uk, "uk").speaker == "Агрохолдинг «Зелений клин»"


def test_what_the_verb_did_comes_before_the_noun_for_who_did_it() -> None:
    """'— начал свою речь ректор': the phrase after the verb holds its object first, and the
    rector introduced before got no quote; '— звернувся він до науковиці' stays his."""
    ru = (
        "Первокурсников приветствовал ректор университета, профессор Аркадий Львович Зернов.\n\n"
        "«Вы пришли в университет, которому в этом году исполняется шестьдесят пять лет», — начал "
        "свою речь ректор."
    )
    assert _one(ru, "ru").speaker == "Аркадий Львович Зернов"
    uk = (
        "Полковник Іван Гордієнко виступив першим. «Без цих даних наші плани евакуації — просто "
        "папір», — звернувся він до науковиці."
    )
    assert _one(uk, "uk").speaker == "Іван Гордієнко"


def test_no_one_calls_themselves_by_name() -> None:
    """'"Neither, Mr Lindqvist," he said' after Lindqvist asked the deputy secretary: the
    pronoun went to the man addressed in the quote."""
    body = (
        "Gareth Lindqvist asked the deputy secretary, T. R. Nankervis, whether the department "
        'had known.\n\n"Neither, Mr Lindqvist," he said. "In February the manufacturer had not '
        'reported the failures."'
    )
    assert _one(body).speaker == "T. R. Nankervis"


def test_a_paragraph_that_points_back_at_the_quote_names_its_speaker() -> None:
    """A quote as its own paragraph, then 'That was the verdict of Dr Niamh Brosnan-Healy' or
    'With those words, Minister Stephen Kowalczyk ...': the quote went unnamed."""
    body = (
        '"I have been working in emergency medicine for twenty-two years and I have never seen a '
        'Monday like it."\n\n'
        "That was the verdict of Dr Niamh Brosnan-Healy, a consultant at St Kieran's Hospital, "
        "after 61 patients were counted on trolleys."
    )
    assert _one(body).speaker == "Niamh Brosnan-Healy"
    body2 = (
        '"This was not a decision I took lightly, but the report left me with no other option."\n\n'
        "With those words, Local Government Minister Stephen Kowalczyk dismissed the council."
    )
    assert _one(body2).speaker == "Stephen Kowalczyk"


def test_adjectives_of_a_title_stay_in_the_role() -> None:
    """'генеральный директор МУП «...»', 'главный архитектор города': the role dropped the
    adjectives and showed 'директор', 'архитектор'."""
    ru = (
        "«Тариф вырастет на семнадцать процентов», — заявила генеральный директор МУП «Заозёрский "
        "водоканал» Оксана Рудольфовна Ляпина."
    )
    assert _one(ru, "ru").speaker_role == "генеральный директор МУП «Заозёрский водоканал»"
    ru2 = "«Сквер останется сквером», — сказал главный архитектор города Павел Игнатьевич Лось."
    assert _one(ru2, "ru").speaker_role == "главный архитектор города"


def test_a_title_is_not_the_role_when_the_text_says_what_they_do() -> None:
    """'Professor Ilse Ashdown, director of the Northern Fiscal Studies Unit, said': the role
    shown was 'Professor'; a title or rank is how she is addressed, not what she does."""
    q = _one(
        "Professor Ilse Ashdown, director of the Northern Fiscal Studies Unit, said the figures were "
        'wrong. "The deficit is twice what the council says," Ashdown said.'
    )
    assert (q.speaker, q.speaker_role) == ("Ilse Ashdown", "director of the Northern Fiscal Studies Unit")


def test_a_company_named_systems_is_a_body() -> None:
    """'Cortland Rail Systems' was read as a person, and took a quote 'he said' meant for
    the deputy secretary."""
    body = (
        "Gareth Lindqvist asked the deputy secretary, T. R. Nankervis, whether Cortland Rail "
        'Systems had told the department.\n\n"Neither, Mr Lindqvist," he said.'
    )
    assert _one(body).speaker == "T. R. Nankervis"


def test_a_sentence_opened_by_a_role_and_a_name_leads_into_the_quote() -> None:
    """'District water officer Fatuma Rashidi credits the approach. "..."': the sentence before
    the quote is about her, but with her role in front it was not read as hers, and the quote
    went to the man named in the paragraph before."""
    body = (
        "Hydrogeologist Samuel Obi led the effort.\n\n"
        "District water officer Fatuma Rashidi credits the approach rather than the hardware. "
        '"They trained our own mechanics. That is why the pumps are still working when the '
        'visitors have gone home."'
    )
    assert _one(body).speaker == "Fatuma Rashidi"


def test_a_name_starting_with_a_macron_capital() -> None:
    """'Ōtāne Water Services said': the Māori capital started no name, so the company showed
    as 'Water Services'."""
    body = '"We know the last three weeks have been a real burden," Ōtāne Water Services said in a statement.'
    assert _one(body).speaker == "Ōtāne Water Services"


def test_an_interviewee_named_by_first_name_alone() -> None:
    """'Мы поговорили с самим Даниилом, учеником 10 «Б» класса.¶— Даниил, как ...': a pupil
    named by first name only was no one, and every answer went unattributed."""
    ru = (
        "Подшивки разбирали школьники вместе с руководителем музея Анной Витальевной Кочергиной. "
        "Мы поговорили с самим Даниилом, учеником 10 «Б» класса.\n\n"
        "— Даниил, как получилось, что подшивки оказались у вас?\n\n"
        "— Их нашли строители. Хотели вывезти всё на свалку, но прораб позвонил в музей.\n\n"
        "— Что было дальше?\n\n"
        "— Половина отсырела. Мы месяц сушили листы на бельевых верёвках."
    )
    answers = [q for q in _quotes(ru, "ru") if q.text.startswith(("Их нашли", "Половина"))]
    assert [q.speaker for q in answers] == ["Даниил"] * 2


# -- a later round of development text: titles, clauses, places, labels ----------------------


def test_a_county_supervisors_title_is_not_part_of_her_name() -> None:
    """ "Supervisor Helga Marsh" was shown as a person called "Supervisor Helga Marsh"."""
    q = _one(
        'Supervisor Helga Marsh chairs the finance committee. "We cannot keep borrowing for '
        'repairs we should have budgeted," she said.'
    )
    assert (q.speaker, q.speaker_role) == ("Helga Marsh", "Supervisor")


def test_a_place_in_a_relative_clause_before_said_is_not_the_speaker() -> None:
    """In "Dr. Priya Venn, who represents Oldmere, said ... she said", the verb after the
    clause was read as the place's: "Oldmere" became a speaker and "she" was left unresolved
    (or went to the place)."""
    q = _one(
        "The minister moved the bill.\n\nRuling party member Dr. Priya Venn, who represents "
        "Oldmere, said residents had waited a decade. "
        '"Every winter the same streets flood and every winter we get a letter," she said.'
    )
    assert q.speaker == "Priya Venn"


def test_residents_of_a_place_are_not_a_person() -> None:
    """ "Residents of Tamsin Heights" made a person called "Tamsin Heights", to whom a quote
    that opened the story went; the paragraph after it names who said it."""
    body = (
        "Residents of Tamsin Heights have had no water for a week.\n\n"
        '"We queue at the tanker at five and it is empty by six."\n\n'
        "That was the complaint from Joyce Mabaso, a 61-year-old retired teacher who lives near "
        "the reservoir."
    )
    q = _one(body)
    assert q.speaker == "Joyce Mabaso"


def test_a_multi_paragraph_answer_and_an_interviewer_in_quote_marks() -> None:
    """An interviewer labelled with a paper's name in quote marks («Северный курьер»:) was
    no label, so the interview was not read as one, and an answer's second paragraph (no
    label of its own) was lost."""
    body = (
        "Мы поговорили с директором порта Игорем Лаптевым.\n\n"
        "«Северный курьер»: Когда начнётся ремонт причала?\n\n"
        "Игорь Лаптев: Весной, как только сойдёт лёд.\n\n"
        "Подрядчик уже выбран, деньги на счёте.\n\n"
        "«Северный курьер»: А если весна будет поздней?\n\n"
        "Игорь Лаптев: Тогда начнём с берега, там работы хватит на месяц."
    )
    quotes = _quotes(body, "ru")
    assert [q.text for q in quotes] == [
        "Весной, как только сойдёт лёд.",
        "Подрядчик уже выбран, деньги на счёте.",
        "Тогда начнём с берега, там работы хватит на месяц.",
    ]
    assert {q.speaker for q in quotes} == {"Игорь Лаптев"}


def test_an_interviewer_who_asked_a_professor_in_ukrainian() -> None:
    """ "Ведучий Остап Гринь розпитав професорку Лесю Вдовиченко": two people in the
    introduction, and the one asked was read as a man, "Лесь", so no answer had a speaker."""
    body = (
        "Чому міліють річки, ведучий радіо «Полісся» Остап Гринь розпитав професорку Лесю "
        "Вдовиченко, гідрологиню місцевого університету.\n\n"
        "— Пані професорко, це посуха?\n\n"
        "— Ні, не тільки. Річки втратили болота, які їх живили.\n\n"
        "— А що робити з каналами?\n\n"
        "— Перекрити їх невеликими шлюзами, це недорого.\n\n"
        "— Фермери погодяться?\n\n"
        "— Якщо їм заплатять за воду, то так."
    )
    quotes = _quotes(body, "uk")
    assert len(quotes) == 3
    assert {q.speaker for q in quotes} == {"Леся Вдовиченко"}


def test_a_paragraph_that_describes_the_quote_before_it_names_its_speaker_in_ukrainian() -> None:
    """ "Так описує ... Галина Остапчук" opening the paragraph after a lone quote said who
    said it, but only the past tense ("Так описав") was read that way."""
    body = (
        "«Вода зайшла за двадцять хвилин. Ми встигли винести тільки документи».\n\n"
        "Так описує ніч на суботу мешканка села Ярове Ганна Мельничук. Її будинок стоїть біля "
        "річки."
    )
    q = _one(body, "uk")
    assert q.speaker == "Ганна Мельничук"


def test_a_common_first_name_tells_the_gender() -> None:
    """ "Lorraine" was no known first name, so "she said" after her paragraph went to the
    other senator, whose gender an earlier "her" had told."""
    body = (
        "Sen. Gwenda Pike said her county could not afford the meters.\n\n"
        '"My farmers already report what they pump," Pike said.\n\n'
        "Sen. Lorraine Hatherley-Vos countered that the state would pay most of the cost.\n\n"
        '"Seventy percent of it, in fact. Read the fiscal note," she said.'
    )
    quotes = _quotes(body)
    assert [q.speaker for q in quotes] == ["Gwenda Pike", "Lorraine Hatherley-Vos"]


def test_a_legislators_party_and_home_town_are_not_a_person() -> None:
    """ "D-Eastport" after a chair's name was read as a person who "said", and the quote in
    the next paragraph went to it."""
    q = _one(
        "Committee Chair Ruth Okonjo-Bale, D-Eastport, said she would ask for a staffing plan "
        "before the vote.\n\n"
        '"Nobody on this committee will vote on this blind," she said.'
    )
    assert q.speaker == "Ruth Okonjo-Bale"


def test_a_story_that_opens_on_a_quote_gives_it_to_the_person_introduced_next() -> None:
    """A lone quote at the top, before anyone has spoken, went to a motel named in the lead
    (read as a person), not to the pastor the next paragraph introduces."""
    body = (
        "The county board postponed a vote on buying the shuttered Pine Hollow Motor Lodge "
        "for a shelter.\n\n"
        '"I have buried three people from under the overpass since Thanksgiving. Three."\n\n'
        "The Rev. Marcus D. Bellamy, pastor of Greater Hope Church, drew applause when he "
        "addressed the board."
    )
    q = _one(body)
    assert q.speaker == "Marcus D. Bellamy"


def test_an_office_named_with_for_and_and_before_the_holders_name() -> None:
    """ "Cabinet Secretary for Water and Irrigation Peter Ondiek" was split at "and", and the
    person shown was "Irrigation Peter Ondiek"."""
    q = _one(
        "Cabinet Secretary for Water and Irrigation Peter Ondiek said the tender was clean. "
        '"We did not cut any corners," Ondiek told the committee.'
    )
    assert (q.speaker, q.speaker_role) == ("Peter Ondiek", "Cabinet Secretary for Water and Irrigation")


def test_council_titles_and_the_honourable_stay_out_of_names() -> None:
    """ "Councilmember Ray Delgado" and "Presenter Ciara Doyle" were shown as names, and "the
    Hon. D. A. Prescott" lost his initials."""
    body = (
        'Councilmember Ray Delgado was blunt. "Every one of those houses had a family in it," he said.\n\n'
        'Presenter Ciara Doyle asked about the grants. "Why is nobody living over the shops?" she asked.\n\n'
        'The minister, the Hon. D. A. Prescott, opened the market. "Ice gives fishers choices," Prescott said.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Ray Delgado", "Ciara Doyle", "D. A. Prescott"]


def test_an_mca_is_a_person_and_mcas_are_no_speaker() -> None:
    """ "Lokwa Ward MCA Faith Chebet" was read as one organisation's name; "told MCAs" must
    not make a person of the members either, or "he said" goes to them."""
    body = (
        '"We did not cut any corners," Ndege told MCAs.\n\n'
        'He dismissed claims that the bid was inflated. "The lowest bidder had no equipment," he said.\n\n'
        'Lokwa Ward MCA Faith Chebet disagreed. "Somebody is not being truthful," she said.'
    )
    assert [q.speaker for q in _quotes(body)] == ["Ndege", "Ndege", "Faith Chebet"]


def test_this_phrase_in_the_next_paragraph_names_who_said_the_quote() -> None:
    """ "Этой фразой депутат ... начала выступление" after a lone quote names its speaker,
    as "Этими словами" already did."""
    body = (
        "«Вы закрываете школу, в которой учились три поколения».\n\n"
        "Этой фразой депутат городского собрания Светлана Корнилова начала своё выступление."
    )
    assert _one(body, "ru").speaker == "Светлана Корнилова"


def test_post_nominal_letters_particles_and_commonwealth_titles() -> None:
    """ "Carys Penhallow MS" was no person (the letters made it an organisation), "J. P. van
    der Walt" lost his initials, and "Cr" and "Elder" were shown as part of names."""
    body = (
        "Carys Penhallow MS chaired the committee.\n\n"
        '"People are asking for a bus," Ms Penhallow said.\n\n'
        'Municipal manager J. P. van der Walt spoke next. "The contract lapsed," van der Walt said.\n\n'
        'Cr Aroha Tuhiwai-Black was unmoved. "We will walk the river first," she said.\n\n'
        'Elder Harold Moosomin opened the meeting. "Water is the first medicine," he said.'
    )
    assert [q.speaker for q in _quotes(body)] == [
        "Carys Penhallow",
        "J. P. van der Walt",
        "Aroha Tuhiwai-Black",
        "Harold Moosomin",
    ]
