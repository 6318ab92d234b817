"""Extractive summaries: the briefing's own sentences, the right lengths, no datelines or bylines."""

from __future__ import annotations

from bot.nlp import analyze, split_sentences, summarize

BODY = (
    "By Clara Voss\n\n"
    "GENEVA - Talks on a new trade agreement stalled on Friday after negotiators failed to agree on farm "
    "subsidies, officials from both sides said.\n\n"
    "The chief negotiator, Pieter Haas, said Maren had asked for a ten-year transition period. "
    '"Ten years is not a transition, it is a permanent exemption," Haas said.\n\n'
    "He also said the two sides were far apart on fisheries. Both sides said they would meet again in May.\n\n"
    "The agreement would cover goods worth about 80 billion dollars a year.\n\n"
    "Follow @tradedesk for updates."
)


def test_lengths_are_one_three_five_sentences() -> None:
    """/summary would show the wrong amount of text for short/standard/detailed if this broke."""
    s = analyze("Trade talks stall", BODY, "en").summaries
    assert [len(split_sentences(x, "en")) for x in (s.short, s.standard, s.detailed)] == [1, 3, 5]


def test_summary_sentences_are_verbatim_and_in_order() -> None:
    """A summary could misquote the briefing or shuffle its story if this broke."""
    s = analyze("Trade talks stall", BODY, "en").summaries
    positions = [BODY.index(sentence) for sentence in split_sentences(s.detailed, "en")]
    assert positions == sorted(positions)


def test_no_byline_dateline_or_boilerplate() -> None:
    """Summaries would start with 'By Clara Voss' or 'GENEVA -' or end in a social-media plug if this broke."""
    s = analyze("Trade talks stall", BODY, "en").summaries
    for text in (s.short, s.standard, s.detailed):
        assert "Clara Voss" not in text
        assert "GENEVA" not in text
        assert "Follow @" not in text
    assert s.short.startswith("Talks on a new trade agreement stalled")


def test_dangling_sentence_not_preferred() -> None:
    """A summary could open mid-thought with 'He also said...' if this broke."""
    s = analyze("Trade talks stall", BODY, "en").summaries
    assert "He also said" not in s.standard


def test_repeated_headline_skipped() -> None:
    """The headline repeated as the first line would waste the one-sentence summary if this broke."""
    body = "Parliament passes data law\n\nLawmakers approved a sweeping data protection law on Wednesday. It takes effect in January."
    s = analyze("Parliament passes data law", body, "en").summaries
    assert s.short == "Lawmakers approved a sweeping data protection law on Wednesday."


def test_never_longer_than_the_briefing() -> None:
    """A two-sentence briefing would produce padding or an error if this broke."""
    body = "The port reopened on Monday after an eleven-day strike. About 400 ships were delayed."
    s = analyze("Port reopens", body, "en").summaries
    assert s.standard == body
    assert s.detailed == body


def test_ukrainian_and_russian_summaries() -> None:
    """Ukrainian and Russian briefings would get empty or broken summaries if this broke."""
    uk = "Нацбанк залишив облікову ставку на рівні 13%. Інфляція сповільнилася до 4,7%. Наступне рішення — у червні."
    ru = "Нацбанк снизил базовую ставку до 14,5%. Инфляция замедлилась до 8,4%. Следующее решение — в июле."
    assert analyze("Ставка", uk, "uk").summaries.standard == uk
    assert analyze("Ставка", ru, "ru").summaries.short == "Нацбанк снизил базовую ставку до 14,5%."


def test_empty_body() -> None:
    """An empty briefing would crash ingest if this broke."""
    a = analyze("Title only", "", "en")
    assert a.summaries.short == "" and a.quotes == ()


def test_pieces_of_quotations_are_not_picked() -> None:
    """A summary could show half a quotation without its opening mark or speaker if this broke."""
    body = (
        "The ministry opened 120 cooling centres on Monday as temperatures reached 41C.\n\n"
        '"Stay inside between noon and five. Drink water. Check on your neighbours every day," '
        "the minister said.\n\n"
        "Hospitals in the region have been asked to prepare extra beds for the weekend.\n\n"
        "Forecasters expect the heat to ease on Sunday evening after a storm front arrives."
    )
    standard = analyze("Heat warning", body, "en").summaries.standard
    assert "Drink water." not in standard
    assert "Check on your neighbours" not in standard


def test_a_quotation_without_its_speaker_is_not_preferred() -> None:
    """A summary would show '"Markets now know where the ceiling is."' with nobody to say it,
    and drop the sentence that names the speaker."""
    body = (
        "Energy ministers agreed on Wednesday to extend the emergency cap on gas prices by six months.\n\n"
        '"This is not the end of the crisis, but it is the end of the panic," said Energy Minister '
        'Frederik Holm, who chaired the meeting. "Markets now know where the ceiling is."\n\n'
        "Holm said the cap would be reviewed in March."
    )
    standard = analyze("Gas price cap extended", body, "en").summaries.standard
    assert "said Energy Minister Frederik Holm" in standard
    assert "Markets now know" not in standard


def test_a_speech_s_courtesies_are_not_summarised() -> None:
    """A summary of a speech would spend a sentence on 'Thank you, Madam Speaker.'"""
    body = (
        "Remarks by Finance Minister Irena Kovac at the opening of the budget debate.\n\n"
        "Thank you, Madam Speaker.\n\n"
        "Honourable members, the budget before you does three things. It protects the pension increase "
        "we promised in spring. It doubles the fund for school repairs.\n\n"
        "Some of you will say this is not enough."
    )
    standard = analyze("Budget debate opens", body, "en").summaries.standard
    assert "Thank you" not in standard
    assert "the budget before you does three things" in standard


def test_summaries_never_cut_a_sentence_out_of_a_longer_quotation() -> None:
    """A summary showed an opening quote mark with no closing one: a sentence cut out of a longer quote."""
    body = (
        "The port authority approved a second grain terminal on Tuesday after a year of delays.\n\n"
        '"In terms of capacity the second terminal doubles what we can load in a day. It will '
        "be built on the northern pier, away from the passenger berths. Nothing of this can "
        "happen before the dredging is finished,\" the authority's director Hanna Reiss said.\n\n"
        "The terminal will cost 140 million euros and open in 2028, the authority said.\n\n"
        "Grain exporters have waited for the expansion since the old terminal reached capacity."
    )
    summaries = summarize("Port approves second grain terminal", body, "en")
    for text in (summaries.short, summaries.standard, summaries.detailed):
        assert text.count('"') % 2 == 0, text
        # No piece of the three-sentence quotation: taken apart, it misquotes the director.
        assert "In terms of capacity" not in text and "Nothing of this can happen" not in text, text


def test_a_sentence_ending_a_nested_quotation_is_not_taken() -> None:
    """'«... „Я отсюда“. Осталось поставить модуль», — рассказал он.' reopened after the inner
    quote closed: the summary took its tail with a closing mark and no opening one."""
    body = (
        "Около ста жителей села вышли на сход, требуя вернуть фельдшерский пункт. "
        "В селе живут около 900 человек, почти треть из них пенсионеры. "
        "Теперь за помощью приходится ездить за 38 километров.\n\n"
        "Главный врач больницы Рустам Ибрагимов пообещал открыть модульный пункт до лета. "
        "«Фельдшер найден. Она сама сказала мне: „Я отсюда, я сюда и вернусь“. Осталось поставить модуль», "
        "— рассказал он.\n\n"
        "Жители сказали, что будут ждать."
    )
    summaries = summarize("Сход", body, "ru")
    for text in (summaries.short, summaries.standard, summaries.detailed):
        assert text.count("«") == text.count("»"), text


def test_the_short_summary_says_who_did_what() -> None:
    """A briefing opening with a header line or a question got that line as its one-sentence
    summary."""
    body = (
        "Ministry of Housing — press release\n\n"
        "Would a four-day week make the civil service better or just smaller?\n\n"
        "Housing Minister Rosalind Achterberg on Monday extended the insulation programme to 40,000 more homes "
        "in the southern counties.\n\n"
        "The programme began in 2024 and has insulated 12,000 homes so far."
    )
    assert summarize("Insulation programme extended", body, "en").short.startswith(
        "Housing Minister Rosalind"
    )
