"""Who speaks when the text says "вона", "the economist" or "за словами Ковальчука": entities
tracked over the whole briefing, with gender, case and role."""

from __future__ import annotations

from bot.models import Quote
from bot.nlp import analyze


def _quotes(body: str, language: str) -> list[Quote]:
    return list(analyze("Заголовок", body, language).quotes)


def test_a_surname_alone_does_not_make_a_woman_a_man() -> None:
    """A woman named later by her surname alone ("Ткачук") would lose her gender, and "сказала
    вона" would go to another woman named earlier."""
    body = (
        "Заступниця мера Ірина Коваль розповіла про бюджет міста на наступний рік.\n\n"
        "Директорка ліцею Ольга Ткачук у понеділок відкрила новий корпус. Квіти батьки подарували "
        "Ткачук і вчителям.\n\n"
        "Мер Петро Гнатюк приїхав пізніше.\n\n"
        "Корпус будували три роки. «Тепер кожен клас має власне приміщення», — сказала вона."
    )
    (q,) = _quotes(body, "uk")
    assert q.speaker == "Ольга Ткачук"


def test_the_verb_tells_the_gender_of_a_name_the_dictionary_does_not() -> None:
    """A man named only by initials and an unknown surname would lose "сказав він" to another
    man named earlier: the verb that agrees with his name ("зауважив") says he is a man."""
    body = (
        "Мер Петро Гнатюк відкрив нараду про стан водогону.\n\n"
        "Інженер водоканалу Р. Д. Шкребтій зауважив, що труби в районі прокладали ще у 1960-х роках.\n\n"
        "Водоканал уже замовив нові насоси. «Без заміни труб насоси не допоможуть, бо тиск у мережі "
        "впаде знову», — сказав він."
    )
    (q,) = _quotes(body, "uk")
    assert q.speaker == "Р. Д. Шкребтій"


def test_a_capitalised_common_word_before_a_surname_is_not_part_of_the_name() -> None:
    """A sentence opening with a role in another case ("Бібліотекаркою Ткачук стала") would show
    the reader a speaker named "Бібліотекаркою Ткачук"."""
    body = (
        "Ольга Ткачук керує сільською бібліотекою вже двадцять років.\n\n"
        "Бібліотекаркою Ткачук стала випадково: після училища вона хотіла працювати в школі. "
        "«Тоді мені здавалося, що це на рік, а минуло двадцять», — згадує вона."
    )
    (q,) = _quotes(body, "uk")
    assert q.speaker == "Ольга Ткачук"


def test_a_first_name_and_patronymic_is_the_person_named_in_full() -> None:
    """Readers would see "Галина Сергеевна" as a speaker of her own, apart from "Галина
    Сергеевна Липатова" whom the briefing introduced."""
    body = (
        "На окраине Заречного фермер Галина Сергеевна Липатова держит сорок коз.\n\n"
        "Галина Сергеевна вспоминает, что начинала с двух. «Первый сыр мы съели сами, потому что "
        "продавать его было стыдно», — говорит она."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Галина Сергеевна Липатова"


def test_an_attribution_between_dashes_inside_the_quote_marks() -> None:
    """ "«..., — сказала вона. — ...»" would go to the last speaker, a man here, instead of the
    woman the dashes name, and the reader would see the attribution as her words."""
    body = (
        "Директор парку Андрій Литвин пообіцяв відкрити нову алею до осені. «Дерева вже закуплені», "
        "— сказав він.\n\n"
        "Мешканка району Оксана Дорош попросила залишити старі лави. «Ми приходимо сюди тридцять років, "
        "— сказала вона. — Нові лави можна поставити поруч зі старими»."
    )
    quotes = _quotes(body, "uk")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Дерева вже закуплені", "Андрій Литвин"),
        ("Ми приходимо сюди тридцять років. Нові лави можна поставити поруч зі старими", "Оксана Дорош"),
    ]


def test_russian_attribution_between_dashes_names_the_speaker() -> None:
    """ "«..., — отметил Лыков, — ...»" in Russian: the name between the dashes speaks."""
    body = (
        "Глава поселка Сергей Лыков отчитался о ремонте дорог.\n\n"
        "«В этом году мы отремонтировали девять улиц, — отметил Лыков, — а в следующем возьмемся "
        "за мост через реку»."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Сергей Лыков"
    assert q.text == "В этом году мы отремонтировали девять улиц, а в следующем возьмемся за мост через реку"


def test_a_bare_description_is_the_one_person_described_so() -> None:
    """ "— признаётся фермер" would show no name although the briefing named the farmer."""
    body = (
        "Школу в Ольшанке отстояла учительница Нина Павловна Зуева. Её союзником стал фермер "
        "Геннадий Петрович Осокин, который отдал под классы часть своей конторы.\n\n"
        "«Я сначала думал, что она пошумит и успокоится», — признаётся фермер."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Геннадий Петрович Осокин"


def test_a_bare_description_two_people_share_stays_unnamed() -> None:
    """With two farmers named, "— признаётся фермер" is a guess: no name is shown rather than
    the wrong one."""
    body = (
        "На ярмарку приехали фермер Геннадий Осокин и фермер Павел Лапин.\n\n"
        "«Цены на корма выросли вдвое, а молоко дешевеет», — признаётся фермер."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker is None
    assert q.speaker_role == "фермер"


def test_an_adverbial_phrase_before_the_subject_is_not_the_speaker() -> None:
    """ "Обращаясь к депутатам, Кольцова сказала: «...»" would show no name (the participle
    taken for the speaker) instead of the chair who spoke."""
    body = (
        "Председатель думы Ирина Евгеньевна Кольцова открыла сессию.\n\n"
        "Обращаясь к депутатам, Кольцова сказала: «Мы приняли слишком много программ и выполнили "
        "слишком мало»."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Ирина Евгеньевна Кольцова"


def test_za_yoho_slovamy_gives_the_quote_to_the_man_it_refers_to() -> None:
    """ "За його словами, ... «...»" would show the reported words as a described speaker
    ("ремонт обійдеться ...") instead of the man the paragraph is about."""
    body = (
        "Інженерка водоканалу Марта Білик показала журналістам нову насосну станцію.\n\n"
        "Аналітик Центру міських досліджень Тарас Озерний навів розрахунки. За його словами, ремонт "
        "мережі обійдеться у 3,2 млрд гривень. «Ці гроші місто повертатиме двадцять років»."
    )
    quotes = _quotes(body, "uk")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Ці гроші місто повертатиме двадцять років", "Тарас Озерний")
    ]


def test_an_unknown_surname_first_named_in_the_genitive_is_shown_in_the_nominative() -> None:
    """A speaker first named after "по словам" with a surname the dictionary lacks would be
    shown with no name, or in the genitive ("Вадима Геннадьевича Ковылина"): a name nobody has."""
    body = (
        "По словам директора комбината Вадима Геннадьевича Ковылина, поставщика уже заменили. "
        "«Мы провели внеплановую проверку всех столовых», — добавил он."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Вадим Геннадьевич Ковылин"


def test_a_bare_quote_after_a_paragraph_about_someone_introduced_with_a_role() -> None:
    """A quote with no attribution after "Житель Заречья Пётр Ковылин ездит ..." would go
    unnamed (or to the minister quoted before) instead of to the resident just introduced."""
    body = (
        "«Мы не можем допустить, чтобы рост тарифа оплачивали студенты», — заявил министр транспорта "
        "Олег Кириллов.\n\n"
        "Житель Заречья Пётр Ковылин каждый день ездит электричкой на работу. Проездной обходится "
        "ему в четыре тысячи рублей.\n\n"
        "«Теперь будет почти пять тысяч. Это как раз моя прибавка к зарплате за год»."
    )
    quotes = _quotes(body, "ru")
    assert [q.speaker for q in quotes] == ["Олег Кириллов", "Пётр Ковылин"]


def test_two_people_of_one_family_stay_two_and_a_first_name_finds_the_right_one() -> None:
    """With a husband and wife sharing a surname, "Ingrid said" would show a bare "Ingrid" (the
    wife counted twice, so her first name matched nobody) instead of her full name."""
    body = (
        "Ingrid Solvang has farmed the valley for thirty years.\n\n"
        'Her husband, Tomas Solvang, keeps the books. "The numbers have never been worse," he said.\n\n'
        'Ingrid Solvang is less gloomy. "Every spring somebody in the capital writes a new rule," '
        "Ingrid said."
    )
    quotes = _quotes(body, "en")
    assert [q.speaker for q in quotes] == ["Tomas Solvang", "Ingrid Solvang"]


def test_a_place_inside_someones_relative_clause_is_not_the_speaker() -> None:
    """ "Nell Varga, who has sold fish at the market by Penhallow Pier for twenty years, says
    ..." would give the next quote to "Penhallow Pier", a place shown as a person."""
    body = (
        "Nell Varga, who has sold fish at the market by Penhallow Pier for twenty years, says she has "
        "been threatened twice after reporting boats she did not know.\n\n"
        '"They told me they knew where I live. I still report them, but I no longer go out alone."'
    )
    (q,) = _quotes(body, "en")
    assert q.speaker == "Nell Varga"


def test_a_capitalised_title_after_the_is_not_a_person() -> None:
    """ "... when the Tide Reckoner signed the order. '...,' she said" would give the quote to
    "Tide Reckoner", a title shown as a person's name."""
    body = (
        "Ines Brae said moorings will cost more from April.\n\n"
        "The fees were last raised when the Tide Reckoner signed the harbour order. "
        '"We cannot keep the breakwater standing on goodwill," she said.'
    )
    (q,) = _quotes(body, "en")
    assert q.speaker == "Ines Brae"


def test_any_verb_after_a_dash_introduces_the_speaker() -> None:
    """ "„...“ — обурюється слюсар Михайло Остапчук" would show no name: the verb is not one of
    saying, but the dash after the quote makes it the attribution."""
    body = (
        "Ранковий поїзд до міста скасували з першого листопада.\n\n"
        "„Наступний поїзд прибуває о восьмій. А зміна на заводі починається о сьомій“ — обурюється "
        "слюсар Михайло Остапчук, який щодня їздить до міста."
    )
    (q,) = _quotes(body, "uk")
    assert q.speaker == "Михайло Остапчук"


def test_a_three_letter_surname_in_another_case_is_the_same_person() -> None:
    """ "за словами ... Олександра Гука" then "— додав Гук" would show no name: a surname of
    three letters was never matched to its oblique form."""
    body = (
        "За словами директора водоканалу Олександра Гука, помилку в рахунках уже виправили. "
        "«Ми повернемо переплату всім мешканцям до кінця місяця», — додав Гук."
    )
    (q,) = _quotes(body, "uk")
    assert q.speaker == "Олександр Гук"


def test_a_word_in_quote_marks_before_a_dash_and_a_verb_is_no_quote() -> None:
    """ "Слово «реформа» — звучит гордо" would become a one-word quote of somebody's."""
    body = "Слово «реформа» — звучит гордо, но люди устали.\n\n«Мы устали ждать», — говорит Анна Сомова."
    assert [q.text for q in _quotes(body, "ru")] == ["Мы устали ждать"]


def test_a_bare_description_in_a_feature_about_one_person_is_that_person() -> None:
    """ "— говорит паромщик" in a story about one ferryman would show no name although the whole
    briefing is about him."""
    body = (
        "Николай Фомич Берестов возит людей через Сутьму сорок лет. Берестов помнит каждую весну, "
        "когда лёд уходил раньше срока.\n\n"
        "Мост обещали построить ещё в прошлом веке. Берестов в обещания не верит, но и не спорит.\n\n"
        "«Сколько денег дадут, столько и построят», — говорит паромщик."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker == "Николай Фомич Берестов"


def test_a_bare_description_with_no_one_person_to_carry_it_stays_unnamed() -> None:
    """With two people named equally often, "— говорит паромщик" is a guess: no name is shown."""
    body = (
        "Николай Берестов и Виктор Лапшин работают на переправе. Берестов водит паром, Лапшин "
        "чинит мотор.\n\n"
        "«Сколько денег дадут, столько и построят», — говорит паромщик."
    )
    (q,) = _quotes(body, "ru")
    assert q.speaker is None
