/**
 * Demo content that `npm start` seeds on first start of an empty database (see ./seed.ts): a small fictional newsroom
 * with authors, sections, tags, articles and threaded comments. Every person, place and organisation here is invented.
 */

export interface DemoAuthor {
  key: string;
  slug: string;
  name: string;
  bio: string;
  avatarUrl: string | null;
}

export interface DemoSection {
  key: string;
  slug: string;
  name: string;
}

export interface DemoTag {
  key: string;
  slug: string;
  name: string;
}

export interface DemoComment {
  /** Unique within the file. */
  key: string;
  /** Key of the parent comment (same article), for replies. Parents come before their replies. */
  replyTo?: string;
  authorName: string;
  authorEmail: string;
  /** Plain text. */
  body: string;
  status: 'PENDING' | 'APPROVED' | 'SPAM' | 'TRASH';
  /** When it was written, relative to the article's publication; replies are later than their parent. */
  minutesAfterPublication: number;
}

export interface DemoArticle {
  slug: string;
  title: string;
  /** The standfirst, one or two sentences. */
  excerpt: string;
  bodyHtml: string;
  status: 'PUBLISHED' | 'DRAFT' | 'SCHEDULED';
  /** Publication time relative to seeding: positive is in the past, negative in the future; ignored for drafts. */
  hoursAgo: number;
  authorKey: string;
  sectionKey: string | null;
  tagKeys: string[];
  featuredImage: { url: string; alt: string; caption: string } | null;
  comments: DemoComment[];
}

/** Joins HTML blocks, one a line. */
const html = (...blocks: string[]): string => blocks.join('\n');

export const DEMO_AUTHORS: DemoAuthor[] = [
  {
    key: 'elena',
    slug: 'elena-marsh',
    name: 'Elena Marsh',
    bio: 'Elena Marsh is our diplomatic correspondent. She has covered Northern Sea politics for a decade, from fisheries rows to regional summits.',
    avatarUrl: 'https://images.example.com/authors/elena-marsh.jpg',
  },
  {
    key: 'priya',
    slug: 'priya-halvorsen',
    name: 'Priya Halvorsen',
    bio: 'Priya Halvorsen writes about culture, from record shops and festivals to the economics of the arts.',
    avatarUrl: 'https://images.example.com/authors/priya-halvorsen.jpg',
  },
  {
    key: 'dominic',
    slug: 'dominic-okafor',
    name: 'Dominic Okafor',
    bio: 'Dominic Okafor is our music critic. He reviews pop, folk and electronic music and has seen more concerts than he can remember.',
    avatarUrl: 'https://images.example.com/authors/dominic-okafor.jpg',
  },
  {
    key: 'hannah',
    slug: 'hannah-lindqvist',
    name: 'Hannah Lindqvist',
    bio: 'Hannah Lindqvist is our education reporter, covering schools, universities and the students who move between countries to study.',
    avatarUrl: 'https://images.example.com/authors/hannah-lindqvist.jpg',
  },
  {
    key: 'samir',
    slug: 'samir-adeyemi',
    name: 'Samir Adeyemi',
    bio: 'Samir Adeyemi reports on world affairs and has followed the recovery of the flood-hit Vell valley since the first day of the floods.',
    avatarUrl: null,
  },
];

export const DEMO_SECTIONS: DemoSection[] = [
  { key: 'politics', slug: 'politics', name: 'Politics' },
  { key: 'world', slug: 'world', name: 'World' },
  { key: 'culture', slug: 'culture', name: 'Culture' },
  { key: 'education', slug: 'education', name: 'Education' },
  { key: 'business', slug: 'business', name: 'Business' },
];

export const DEMO_TAGS: DemoTag[] = [
  { key: 'diplomacy', slug: 'diplomacy', name: 'Diplomacy' },
  { key: 'summit', slug: 'summit', name: 'Summit' },
  { key: 'music', slug: 'music', name: 'Music' },
  { key: 'concerts', slug: 'concerts', name: 'Concerts' },
  { key: 'albums', slug: 'albums', name: 'Albums' },
  { key: 'charts', slug: 'charts', name: 'Charts' },
  { key: 'visas', slug: 'visas', name: 'Visas' },
  { key: 'students', slug: 'students', name: 'Students' },
  { key: 'social-media', slug: 'social-media', name: 'Social media' },
  { key: 'universities', slug: 'universities', name: 'Universities' },
  { key: 'reconstruction', slug: 'reconstruction', name: 'Reconstruction' },
  { key: 'infrastructure', slug: 'infrastructure', name: 'Infrastructure' },
  { key: 'flooding', slug: 'flooding', name: 'Flooding' },
  { key: 'trade', slug: 'trade', name: 'Trade' },
  { key: 'rail', slug: 'rail', name: 'Rail' },
];

export const DEMO_ARTICLES: DemoArticle[] = [
  {
    slug: 'norvania-castellia-leaders-first-phone-call',
    title: 'Norvania and Castellia leaders hold first phone call ahead of Port Halden summit',
    excerpt:
      'Chancellor Ilsa Brandvold and President Mateo Arrien spoke for nearly an hour on Monday and agreed to meet in person when regional leaders gather in Port Halden next month.',
    bodyHtml: html(
      `<p>The leaders of Norvania and Castellia held their first direct phone call on Monday, a conversation both governments described as "warm and practical" and one that diplomats say sets the tone for next month's regional summit in Port Halden.</p>`,
      `<p>Norvanian Chancellor Ilsa Brandvold, who took office in the spring, spoke with Castellian President Mateo Arrien for around 50 minutes, according to a readout published by the chancellery. The two discussed flood recovery along their shared border, a long-delayed cross-border rail link and the summit agenda, which officials are still finalising.</p>`,
      `<blockquote><p>"We have a great deal of unfinished business between our two countries, and very little of it is contentious," Ms Brandvold told reporters after the call. "The President and I agreed that Port Halden should be a summit of decisions, not declarations."</p></blockquote>`,
      `<p>The Castellian presidency's statement was shorter but struck a similar note, saying the two leaders had "agreed to instruct their ministers to prepare concrete proposals" on transport and reconstruction before the summit opens. A spokesperson, Lucía Ferrand, said a bilateral meeting on the summit's first morning had been "pencilled in".</p>`,
      `<p>Relations between the neighbours cooled under the previous Norvanian government, which clashed with Castellia over fishing quotas and the financing of border infrastructure. Analysts said Monday's call was notable less for what was agreed than for the fact that it happened so early.</p>`,
      `<p>"Three years ago you would have waited months for a call like this," said Dr Anneke Solberg, who studies regional diplomacy at the University of Halden. "Both leaders want a visible success in Port Halden, and they appear to have concluded that they can only get one together."</p>`,
      `<p>The summit, which brings together the heads of government of eight countries around the Northern Sea, is due to open on the 14th of next month. A provisional programme is expected to be circulated to delegations in the coming days.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 120,
    authorKey: 'elena',
    sectionKey: 'politics',
    tagKeys: ['diplomacy', 'summit'],
    featuredImage: {
      url: 'https://images.example.com/norvania-castellia-leaders-first-phone-call.jpg',
      alt: 'Chancellor Ilsa Brandvold speaking on a telephone at a desk in the chancellery',
      caption: 'Chancellor Ilsa Brandvold during Monday\'s call with President Mateo Arrien. Photo: Norvanian Chancellery',
    },
    comments: [
      {
        key: 'call-1',
        authorName: 'Margit Olsen',
        authorEmail: 'margit.olsen@example.com',
        body: 'Good to see them talking early. The last summit was a mess because nobody had prepared anything in advance.',
        status: 'APPROVED',
        minutesAfterPublication: 35,
      },
      {
        key: 'call-1a',
        replyTo: 'call-1',
        authorName: 'Felix Aranda',
        authorEmail: 'felix.aranda@example.org',
        body: 'Was it a mess, though? They agreed the fisheries framework, which was more than anyone expected.',
        status: 'APPROVED',
        minutesAfterPublication: 62,
      },
      {
        key: 'call-1a-i',
        replyTo: 'call-1a',
        authorName: 'Margit Olsen',
        authorEmail: 'margit.olsen@example.com',
        body: 'Fair point, the fisheries deal has held up. I was thinking of the transport talks, which went nowhere.',
        status: 'APPROVED',
        minutesAfterPublication: 90,
      },
      {
        key: 'call-1a-i-x',
        replyTo: 'call-1a-i',
        authorName: 'Felix Aranda',
        authorEmail: 'felix.aranda@example.org',
        body: 'Agreed on transport. If the rail link finally gets signed this time, that alone would make it worthwhile.',
        status: 'APPROVED',
        minutesAfterPublication: 131,
      },
      {
        key: 'call-2',
        authorName: 'Jonas Whitfield',
        authorEmail: 'j.whitfield@example.net',
        body: 'A phone call is not a policy. Let us see what they actually sign in Port Halden before we celebrate.',
        status: 'APPROVED',
        minutesAfterPublication: 140,
      },
      {
        key: 'call-3',
        authorName: 'Zoë Łukasik',
        authorEmail: 'zoe.lukasik@example.net',
        body: 'Does anyone know whether the summit sessions will be streamed? I would like to watch the infrastructure debate.',
        status: 'APPROVED',
        minutesAfterPublication: 210,
      },
      {
        key: 'call-3a',
        replyTo: 'call-3',
        authorName: 'Anneke from Halden',
        authorEmail: 'anneke.h@example.org',
        body: 'The opening and closing sessions were streamed last time. The working sessions were closed to the press.',
        status: 'APPROVED',
        minutesAfterPublication: 262,
      },
      {
        key: 'call-4',
        authorName: 'Cheap Summit Flights',
        authorEmail: 'deals@example.net',
        body: 'BEST PRICES for summit travel!!! Book now, limited offer, click the link in our profile.',
        status: 'SPAM',
        minutesAfterPublication: 15,
      },
    ],
  },
  {
    slug: 'juno-lee-first-solo-fan-concert',
    title: 'Juno Lee plays first solo fan concert to a sold-out Harbour Hall',
    excerpt:
      'The singer, who left the group Silverline last year, performed for nearly two hours in Port Halden on Saturday night, playing songs from her new album live for the first time.',
    bodyHtml: html(
      `<p>Juno Lee walked onto the stage of Port Halden's Harbour Hall on Saturday night to a wall of noise that lasted well over a minute before she could sing a note. It was the singer's first solo fan concert since she left the pop group Silverline last year, and all 4,200 tickets had sold out within ten minutes of going on sale.</p>`,
      `<p>Over nearly two hours, Lee mixed Silverline favourites, reworked as stripped-back ballads, with eight songs from her debut solo album, &quot;Lighthouse Hours&quot;, released the previous day. Most were performed live for the first time. The new material leans towards warm synth-pop, and Lee played keyboards on two songs and acoustic guitar on a third.</p>`,
      `<blockquote><p>"I was terrified of this night for about a year," Lee told the crowd before the encore. "Then I realised you weren't coming to see a band. You were coming to see whether I was okay. I'm okay."</p></blockquote>`,
      `<p>The concert was billed as a fan event rather than the start of a tour, with a question-and-answer session midway through in which audience members asked about her songwriting, her former bandmates and her dog, Biscuit, who made a brief appearance on stage. Lee said she remained "on good terms" with the other members of Silverline and hoped to perform with them again "one day, not soon".</p>`,
      `<p>Fans had travelled from across the region. Mira Castell, 19, said she had taken a six-hour train from the Castellian capital with three friends. "We've followed her since the first Silverline single," she said outside the venue. "Hearing the new songs in the same room as her felt like being let in on a secret."</p>`,
      `<p>Harbour Hall's director, Owen Prentiss, said the venue had added extra security and a separate merchandise queue after demand far exceeded expectations. Promoters have not announced tour dates, but Lee hinted from the stage that fans would "see a lot more of me in Norvania and Castellia next year".</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 52,
    authorKey: 'dominic',
    sectionKey: 'culture',
    tagKeys: ['music', 'concerts'],
    featuredImage: {
      url: 'https://images.example.com/juno-lee-first-solo-fan-concert.jpg',
      alt: 'Juno Lee sings at a keyboard under blue stage lights in front of a packed hall',
      caption: 'Juno Lee on stage at Harbour Hall, Port Halden, on Saturday night. Photo: Kai Lindholm',
    },
    comments: [
      {
        key: 'gig-1',
        authorName: 'Lotte Brandt',
        authorEmail: 'lotte.brandt@example.com',
        body: 'I was there and it was even better than I had hoped. The acoustic version of the old Silverline single had half the hall in tears.',
        status: 'APPROVED',
        minutesAfterPublication: 180,
      },
      {
        key: 'gig-1a',
        replyTo: 'gig-1',
        authorName: 'Sam Okoro',
        authorEmail: 'sam.okoro@example.org',
        body: 'So jealous. Tickets were gone in about four minutes when I tried. Any chance of a second night?',
        status: 'APPROVED',
        minutesAfterPublication: 221,
      },
      {
        key: 'gig-1a-i',
        replyTo: 'gig-1a',
        authorName: 'Lotte Brandt',
        authorEmail: 'lotte.brandt@example.com',
        body: 'She said on stage that she would be back next year, so fingers crossed for a proper tour.',
        status: 'APPROVED',
        minutesAfterPublication: 265,
      },
      {
        key: 'gig-2',
        authorName: 'Priyanka Dale',
        authorEmail: 'priyanka.dale@example.net',
        body: 'Best night of my year 🎤✨ When she said "I\'m okay" I completely lost it. Biscuit\'s cameo was the cherry on top 🐶💙',
        status: 'APPROVED',
        minutesAfterPublication: 300,
      },
      {
        key: 'gig-3',
        authorName: 'Martin Greve',
        authorEmail: 'mgreve@example.com',
        body: 'Calling it a fan concert does not change the fact that tickets were 90 crowns. Fan events used to be cheap.',
        status: 'APPROVED',
        minutesAfterPublication: 400,
      },
      {
        key: 'gig-3a',
        replyTo: 'gig-3',
        authorName: 'Ellie Dunmore',
        authorEmail: 'ellie.dunmore@example.org',
        body: 'Honestly, 90 crowns for two hours at Harbour Hall is about standard now. I thought it was good value.',
        status: 'APPROVED',
        minutesAfterPublication: 462,
      },
      {
        key: 'gig-4',
        authorName: 'Ronan Keil',
        authorEmail: 'ronan.keil@example.net',
        body: 'Will there be a recording of the Q&A session? Some of us could not get tickets.',
        status: 'PENDING',
        minutesAfterPublication: 1500,
      },
    ],
  },
  {
    slug: 'northern-sound-best-albums-of-the-year',
    title: 'Northern Sound names its best albums of the year',
    excerpt:
      'The music magazine\'s annual list is topped by a folk record made on the Castellian coast, and the absence of any pop album from its top ten has already started an argument.',
    bodyHtml: html(
      `<p>Northern Sound, the monthly music magazine that has published an end-of-year list since 1989, on Thursday named &quot;Salt Roads&quot; by the Castellian folk trio Marrow &amp; Pine as its album of the year.</p>`,
      `<p>The record, made in a converted boathouse outside Port Halden, was chosen by a panel of 40 critics and contributors. Editor Rachel Voss called it "a quiet record that got louder every time we played it", and said it had topped more individual ballots than any album since the list was expanded to 50 entries.</p>`,
      `<h2>The top five</h2>`,
      `<ul><li>&quot;Salt Roads&quot; by Marrow &amp; Pine</li><li>&quot;Glasshouse&quot; by The Kelling Set</li><li>&quot;Night Ferry&quot; by Aditi Rowe</li><li>&quot;Small Hours, Large Rooms&quot; by the Brandt Orchestra</li><li>&quot;Northbound&quot; by Tove &amp; the Lanterns</li></ul>`,
      `<p>Electronic producer Aditi Rowe was the highest-placed solo artist, while the list's biggest talking point was the absence of any major pop release from the top ten. Juno Lee's solo debut, due later this month, was not considered because it falls outside the eligibility window, which closed at the end of October.</p>`,
      `<p>"People will argue about this list, and they should," Voss said. "We would rather start an argument than publish something safe." The full list of 50, with each panellist's ballot, is available on the <a href="https://example.com/northern-sound/albums-of-the-year">magazine's website</a>.</p>`,
      `<p>The list is likely to give a boost to smaller acts. Marrow &amp; Pine's label, Tidewater Records, said it had ordered a third vinyl pressing of &quot;Salt Roads&quot; within hours of the announcement, and that online orders had risen tenfold overnight. "We are a label of four people," said its founder, Ida Moen. "This is the best problem we have ever had."</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 140,
    authorKey: 'priya',
    sectionKey: 'culture',
    tagKeys: ['music', 'albums', 'charts'],
    featuredImage: {
      url: 'https://images.example.com/northern-sound-best-albums-of-the-year.jpg',
      alt: 'The three members of Marrow & Pine sitting on a wooden jetty with their instruments',
      caption: 'Marrow & Pine, whose album "Salt Roads" tops the list. Photo: Tidewater Records',
    },
    comments: [
      {
        key: 'alb-1',
        authorName: 'Hugo Berglund',
        authorEmail: 'hugo.berglund@example.com',
        body: 'Salt Roads at number one is the right call. That record has been on repeat in our house since March.',
        status: 'APPROVED',
        minutesAfterPublication: 90,
      },
      {
        key: 'alb-1a',
        replyTo: 'alb-1',
        authorName: 'Cass Morton',
        authorEmail: 'cass.morton@example.org',
        body: 'Honestly baffled by this. It is a lovely record, but album of the year? It is forty minutes of sea shanties.',
        status: 'APPROVED',
        minutesAfterPublication: 150,
      },
      {
        key: 'alb-1a-i',
        replyTo: 'alb-1a',
        authorName: 'Hugo Berglund',
        authorEmail: 'hugo.berglund@example.com',
        body: 'They are not sea shanties! Listen to the title track again on headphones and tell me that.',
        status: 'APPROVED',
        minutesAfterPublication: 201,
      },
      {
        key: 'alb-2',
        authorName: 'Ines Falk',
        authorEmail: 'ines.falk@example.net',
        body: 'No pop at all in the top ten? Northern Sound gets more snobbish every year.',
        status: 'APPROVED',
        minutesAfterPublication: 320,
      },
      {
        key: 'alb-2a',
        replyTo: 'alb-2',
        authorName: 'Tobias Wren',
        authorEmail: 'tobias.wren@example.com',
        body: 'They explained why the Juno Lee album was not on it: the eligibility window closed before it came out.',
        status: 'APPROVED',
        minutesAfterPublication: 385,
      },
      {
        key: 'alb-3',
        authorName: 'Daniela Moretti',
        authorEmail: 'd.moretti@example.org',
        body: 'Glad to see Aditi Rowe so high. Night Ferry deserved a much bigger audience than it got.',
        status: 'APPROVED',
        minutesAfterPublication: 600,
      },
      {
        key: 'alb-4',
        authorName: 'anon',
        authorEmail: 'anon@example.com',
        body: 'this list is garbage and so is everyone who voted for it',
        status: 'TRASH',
        minutesAfterPublication: 700,
      },
    ],
  },
  {
    slug: 'student-visa-social-media-screening',
    title: 'Norvania to screen international students\' social media accounts in visa checks',
    excerpt:
      'Applicants for student visas will have to list every social media username they have used in the past five years, under rules announced by the interior ministry on Wednesday.',
    bodyHtml: html(
      `<p>International students applying to study in Norvania will have to disclose their social media accounts from the past five years under new visa rules announced by the interior ministry on Wednesday.</p>`,
      `<p>From the next application round, the online visa form will include a mandatory section asking applicants to list every username they have used on social media platforms, along with any email addresses and phone numbers linked to them. Consular officers will be allowed to review public posts as part of what the ministry called "enhanced identity and security vetting".</p>`,
      `<blockquote><p>"Most applicants will notice nothing other than a longer form," said Deputy Interior Minister Karl Engstrand. "This is about confirming that people are who they say they are. It is not about what anyone thinks."</p></blockquote>`,
      `<p>The ministry said the measure would apply to about 38,000 student visa applications a year, and that applicants would not be required to make private accounts public. It declined to say how many additional staff would be needed to carry out the reviews, or whether automated tools would be used to scan posts.</p>`,
      `<p>Student groups reacted with alarm. Amara Nwosu, president of the Norvanian Union of International Students, said the rules would have "a chilling effect on what young people feel able to say online, long before they ever set foot here". Digital rights campaigners asked how long the data would be kept and who would have access to it.</p>`,
      `<p>University leaders, who have spent months warning about lengthening visa processing times, said they had not been consulted. A spokesperson for Universities Norvania said the sector supported "proportionate security checks" but feared the change would add weeks to decisions at the busiest point of the year.</p>`,
      `<p>The ministry has published <a href="https://example.com/interior-ministry/student-visa-guidance">guidance for applicants</a> and said a full impact assessment would be laid before parliament before the rules take effect.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 26,
    authorKey: 'hannah',
    sectionKey: 'education',
    tagKeys: ['visas', 'students', 'social-media'],
    featuredImage: {
      url: 'https://images.example.com/student-visa-social-media-screening.jpg',
      alt: 'A student scrolls through a phone while sitting beside a laptop showing an online visa form',
      caption: 'The new section of the visa form will ask for five years of social media usernames. Photo: Tessa Morn',
    },
    comments: [
      {
        key: 'visa-1',
        authorName: 'Mei Tanaka-Holm',
        authorEmail: 'mei.th@example.com',
        body: 'I applied for my visa last year and the form was already twelve pages long. Now they want my old gaming usernames too?',
        status: 'APPROVED',
        minutesAfterPublication: 45,
      },
      {
        key: 'visa-1a',
        replyTo: 'visa-1',
        authorName: 'Peter Lund',
        authorEmail: 'peter.lund@example.org',
        body: 'To be fair, plenty of countries already ask for this. It seems like a reasonable security check to me.',
        status: 'APPROVED',
        minutesAfterPublication: 80,
      },
      {
        key: 'visa-1a-i',
        replyTo: 'visa-1a',
        authorName: 'Mei Tanaka-Holm',
        authorEmail: 'mei.th@example.com',
        body: 'Other countries doing it does not make it reasonable. Who reads the posts, and what counts as a problem?',
        status: 'APPROVED',
        minutesAfterPublication: 116,
      },
      {
        key: 'visa-1a-i-x',
        replyTo: 'visa-1a-i',
        authorName: 'Peter Lund',
        authorEmail: 'peter.lund@example.org',
        body: 'That is a fair question. The ministry should answer it before any of this starts.',
        status: 'PENDING',
        minutesAfterPublication: 150,
      },
      {
        key: 'visa-2',
        authorName: 'Dr Aisha Rahman',
        authorEmail: 'a.rahman@example.net',
        body: 'I work in admissions and this will make the waits even worse. We already lose offer-holders every September because their visas arrive too late.',
        status: 'APPROVED',
        minutesAfterPublication: 200,
      },
      {
        key: 'visa-3',
        authorName: 'Concerned parent',
        authorEmail: 'parent.of.applicant@example.com',
        body: 'Will applicants be told if something on their social media led to a refusal? My son applies in January.',
        status: 'PENDING',
        minutesAfterPublication: 400,
      },
    ],
  },
  {
    slug: 'norvania-castellia-joint-reconstruction-plan',
    title: 'Norvania and Castellia agree joint plan to rebuild flood-hit border valley',
    excerpt:
      'The two governments will share engineers, equipment and costs to rebuild bridges, roads and homes in the Vell valley, which was devastated by flooding in the spring.',
    bodyHtml: html(
      `<p>Norvania and Castellia have agreed to rebuild the flood-damaged Vell valley together, pooling engineers, heavy equipment and money in what officials on both sides described as the largest joint public works effort in the two countries' history.</p>`,
      `<p>The agreement, signed on Friday in the Castellian border town of Merrow by the two infrastructure ministers, covers the repair or replacement of 14 bridges, more than 60 kilometres of road and new flood defences along both banks of the River Vell. Spring floods in the valley killed 11 people and forced around 9,000 from their homes.</p>`,
      `<p>Under the plan, a joint reconstruction office staffed by both governments will open in Merrow. Contracts will be tendered jointly, and engineers will be able to work on either side of the border without needing separate licences.</p>`,
      `<blockquote><p>"The river never cared where the border was, and the water certainly didn't," said Castellian Infrastructure Minister Rosa Albéniz. "It makes no sense for us to rebuild as if it did."</p></blockquote>`,
      `<p>Her Norvanian counterpart, Henrik Dahl, said the first priority would be the Old Vell Bridge, the main crossing between the two countries, which has been closed to heavy vehicles since April. Temporary crossings have added up to two hours to journeys for lorries carrying goods to the docks at Port Halden.</p>`,
      `<p>Residents welcomed the announcement but said they wanted to see diggers, not documents. "We've had a lot of visits from people in good shoes," said Tomasz Brenner, whose hardware shop in Merrow was flooded to the ceiling. "If this means the bridge is open by next winter, I'll believe it when I drive across it."</p>`,
      `<p>Officials said details of how the work would be paid for, including a dedicated reconstruction fund, would be announced in the coming days.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 75,
    authorKey: 'samir',
    sectionKey: 'world',
    tagKeys: ['reconstruction', 'infrastructure', 'flooding', 'diplomacy'],
    featuredImage: {
      url: 'https://images.example.com/norvania-castellia-joint-reconstruction-plan.jpg',
      alt: 'A damaged stone bridge over a swollen river, with a temporary metal crossing beside it',
      caption: 'The Old Vell Bridge at Merrow, closed to heavy vehicles since April. Photo: Samir Adeyemi',
    },
    comments: [
      {
        key: 'rec-1',
        authorName: 'Liv Sorensen',
        authorEmail: 'liv.sorensen@example.com',
        body: 'I live in the valley and this is the first good news we have had since April. The Old Vell Bridge has to come first.',
        status: 'APPROVED',
        minutesAfterPublication: 60,
      },
      {
        key: 'rec-1a',
        replyTo: 'rec-1',
        authorName: 'Arno Keller',
        authorEmail: 'arno.keller@example.net',
        body: 'Agreed. My commute has doubled since the bridge closed to lorries and buses.',
        status: 'APPROVED',
        minutesAfterPublication: 95,
      },
      {
        key: 'rec-2',
        authorName: 'Fenna Roos',
        authorEmail: 'fenna.roos@example.org',
        body: 'Joint tendering sounds good on paper, but who settles disputes if the two ministries disagree about a contract?',
        status: 'APPROVED',
        minutesAfterPublication: 240,
      },
      {
        key: 'rec-2a',
        replyTo: 'rec-2',
        authorName: 'Joel Matthias',
        authorEmail: 'joel.matthias@example.com',
        body: 'The agreement sets up a joint arbitration panel for that. It is in one of the annexes.',
        status: 'APPROVED',
        minutesAfterPublication: 300,
      },
      {
        key: 'rec-2a-i',
        replyTo: 'rec-2a',
        authorName: 'Fenna Roos',
        authorEmail: 'fenna.roos@example.org',
        body: 'Thanks, I missed that. Do you know where the annexes have been published?',
        status: 'PENDING',
        minutesAfterPublication: 333,
      },
      {
        key: 'rec-3',
        authorName: 'Björn Haldorsen',
        authorEmail: 'bjorn.haldorsen@example.net',
        body: 'Where is the money coming from? The article does not say.',
        status: 'APPROVED',
        minutesAfterPublication: 500,
      },
      {
        key: 'rec-3a',
        replyTo: 'rec-3',
        authorName: 'Liv Sorensen',
        authorEmail: 'liv.sorensen@example.com',
        body: 'The last paragraph says a fund is being announced separately this week.',
        status: 'APPROVED',
        minutesAfterPublication: 560,
      },
    ],
  },
  {
    slug: 'port-halden-summit-draft-agenda',
    title: 'Trade, rail and flood recovery top draft agenda for Port Halden summit',
    excerpt:
      'A provisional programme circulated to delegations on Tuesday gives a full day to transport links and reconstruction, while a proposed session on fishing rights has been dropped.',
    bodyHtml: html(
      `<p>Trade, cross-border transport and recovery from this year's floods will dominate next month's Northern Sea regional summit in Port Halden, according to a provisional programme circulated to delegations on Tuesday and later published by the host city.</p>`,
      `<p>The two-day meeting will open with a plenary session on regional trade, followed by a working lunch on energy prices. The second day is given over almost entirely to infrastructure, including a session on rail links between the region's ports and a closed-door discussion of financing for the flood-hit Vell valley.</p>`,
      `<ul><li>Day one: regional trade, energy prices &amp; a leaders' dinner hosted by the city of Port Halden</li><li>Day two: rail and port links, flood recovery and reconstruction financing</li><li>Close: a joint communiqué and press conference</li></ul>`,
      `<p>A session on fishing rights, requested by two smaller delegations, does not appear in the draft. Diplomats said it had been moved to a meeting of fisheries ministers in the new year to avoid "crowding out" agreements that are closer to completion.</p>`,
      `<blockquote><p>"The hosts have clearly learned from the last summit, which tried to do everything and agreed almost nothing," said one diplomat involved in the preparations, who spoke on condition of anonymity. "This agenda is short because they want it to produce results."</p></blockquote>`,
      `<p>The programme reflects priorities set out by Norvanian Chancellor Ilsa Brandvold and Castellian President Mateo Arrien during their first phone call last week, when both said they wanted a summit "of decisions, not declarations". A bilateral meeting between the two is scheduled for the first morning.</p>`,
      `<p>Host officials said the programme could still change, and that a final version would be published a week before the summit opens.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 26,
    authorKey: 'elena',
    sectionKey: 'politics',
    tagKeys: ['summit', 'diplomacy', 'trade', 'rail'],
    featuredImage: {
      url: 'https://images.example.com/port-halden-summit-draft-agenda.jpg',
      alt: 'Flags of the Northern Sea countries lined up outside a glass conference centre on a harbour front',
      caption: 'The Port Halden conference centre, which will host the summit next month. Photo: City of Port Halden',
    },
    comments: [],
  },
  {
    slug: 'vell-valley-reconstruction-fund',
    title: 'Vell valley reconstruction fund launched with 1.2 billion crown pledge',
    excerpt:
      'Norvania and Castellia will each contribute 600 million crowns to a jointly managed fund to rebuild bridges, roads and homes damaged in the spring floods.',
    bodyHtml: html(
      `<p>Norvania and Castellia on Monday launched a jointly managed fund to pay for the reconstruction of the flood-hit Vell valley, with each government pledging 600 million crowns over the next four years.</p>`,
      `<p>The Vell Valley Reconstruction Fund will be overseen by a board of six, three appointed by each country, and will pay for work commissioned by the joint reconstruction office in Merrow that the two governments agreed to set up last week. Officials said about two-thirds of the money would go on bridges and roads, with the rest going to flood defences and grants for homeowners and small businesses.</p>`,
      `<blockquote><p>"Every crown will be visible," said Castellian Finance Minister Julien Marceau, who announced the fund alongside his Norvanian counterpart. "We will publish every contract and every payment, and people in the valley will be able to see exactly where the money has gone."</p></blockquote>`,
      `<p>The fund will also accept contributions from regional development banks and other governments. Norvanian Finance Minister Signe Holt said she would invite leaders attending the Port Halden summit next month to contribute, and that "several" had already expressed interest.</p>`,
      `<p>Independent engineers have put the full cost of repairing the valley closer to two billion crowns, and opposition politicians in both countries said the pledge fell short. "It is a welcome start, but it is a start," said Castellian opposition MP Dario Quint. "People who lost their homes in April need to know the money will not run out halfway through."</p>`,
      `<p>Details of how to apply for household grants will be published on the <a href="https://example.com/vell-fund/grants">fund's website</a> next month, officials said.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 44,
    authorKey: 'samir',
    sectionKey: 'world',
    tagKeys: ['reconstruction', 'flooding', 'infrastructure'],
    featuredImage: {
      url: 'https://images.example.com/vell-valley-reconstruction-fund.jpg',
      alt: 'Two finance ministers shake hands at a lectern in front of a river landscape backdrop',
      caption: 'Julien Marceau and Signe Holt announce the fund in Merrow on Monday. Photo: Castellian Finance Ministry',
    },
    comments: [],
  },
  {
    slug: 'universities-warn-student-visa-delays',
    title: 'Universities warn visa delays could cost them thousands of international students',
    excerpt:
      'Average waits for a Norvanian student visa have reached nine weeks, and university leaders say some applicants with confirmed places are giving up and going elsewhere.',
    bodyHtml: html(
      `<p>Norvania's universities have warned that lengthening waits for student visas risk driving thousands of international applicants to rival countries, after new figures showed average processing times had nearly doubled in a year.</p>`,
      `<p>Data published by the interior ministry on Thursday show that the average student visa application took 63 days to process in the most recent quarter, up from 34 days a year earlier. One in five applicants waited more than three months for a decision.</p>`,
      `<blockquote><p>"We are losing students who have already been offered a place, who have paid their deposits, and who simply cannot get a decision in time to start their course," said Professor Helena Varga, who chairs Universities Norvania. "Every one of them tells their friends."</p></blockquote>`,
      `<p>The organisation said its members had recorded more than 2,300 deferrals and withdrawals linked to visa delays since the start of the year. International students make up about a fifth of enrolments at Norvanian universities and pay higher fees, which institutions say help subsidise research and domestic teaching.</p>`,
      `<p>The University of Halden said it had started offering online teaching for the first weeks of term to students still waiting for visas. "It is a sticking plaster," said its international director, Ben Arkwright. "Nobody moves across the world to sit in a bedroom watching lectures on a laptop."</p>`,
      `<p>The interior ministry blamed a rise in applications and a shortage of trained caseworkers, and said it was recruiting 150 additional staff. A spokesperson said the ministry expected processing times to "return to normal levels" by the spring.</p>`,
      `<p>Universities are asking for a fast-track service for applicants who already hold an offer from a recognised institution, and for the ministry to publish processing figures every week rather than every quarter.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 260,
    authorKey: 'hannah',
    sectionKey: 'education',
    tagKeys: ['universities', 'visas', 'students'],
    featuredImage: {
      url: 'https://images.example.com/universities-warn-student-visa-delays.jpg',
      alt: 'Students with suitcases walking across a university courtyard in autumn',
      caption: 'New arrivals at the University of Halden at the start of term. Photo: University of Halden',
    },
    comments: [],
  },
  {
    slug: 'juno-lee-lighthouse-hours-number-one',
    title: 'Juno Lee\'s solo debut goes straight to number one',
    excerpt:
      '"Lighthouse Hours" sold more copies in its first week than any Norvanian album this year, with vinyl accounting for almost a third of sales.',
    bodyHtml: html(
      `<p>Juno Lee's first solo album, &quot;Lighthouse Hours&quot;, has entered the Norvanian album chart at number one, selling more copies in its first week than any other release this year, the Official Charts Office said on Monday.</p>`,
      `<p>The album recorded 41,000 chart sales, almost a third of them vinyl copies, an unusually high share for a pop release. Its lead single, &quot;Paper Boats&quot;, climbed to number two on the singles chart, and three other tracks entered the top 40.</p>`,
      `<p>The result caps a remarkable week for Lee, who left the group Silverline last year. Her first solo fan concert, at Port Halden's Harbour Hall at the weekend, sold out within ten minutes.</p>`,
      `<blockquote><p>"I made this record in my kitchen, mostly at two in the morning, not knowing if anyone would want it," Lee wrote on social media after the chart was announced. "Thank you for wanting it."</p></blockquote>`,
      `<p>Her label, Brightwater Music, said it had underestimated demand for the vinyl edition and that a second pressing would be in shops within a fortnight. Independent record shops reported queues on release day. "We sold out of the coloured vinyl before lunchtime," said Nadia Korhonen, who runs Spindle Records in Port Halden.</p>`,
      `<p>Critics have been broadly positive. Northern Sound, whose albums of the year list was published before the release, gave it four stars, calling it "a confident, generous record from an artist who clearly had a lot to say". Some reviewers were cooler on the album's second half, which leans heavily on ballads.</p>`,
      `<p>The album also reached number one in Castellia, making Lee the first Norvanian solo artist to top both countries' charts in the same week since the two chart companies began publishing combined figures.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 8,
    authorKey: 'dominic',
    sectionKey: 'culture',
    tagKeys: ['music', 'albums', 'charts'],
    featuredImage: {
      url: 'https://images.example.com/juno-lee-lighthouse-hours-number-one.jpg',
      alt: 'Copies of the album Lighthouse Hours on coloured vinyl displayed in a record shop window',
      caption: '"Lighthouse Hours" on display at Spindle Records, Port Halden. Photo: Nadia Korhonen',
    },
    comments: [
      {
        key: 'chart-1',
        authorName: 'Freya Quinn',
        authorEmail: 'freya.quinn@example.com',
        body: 'Bought the coloured vinyl at nine on release day and the queue was already round the corner. A deserved number one.',
        status: 'APPROVED',
        minutesAfterPublication: 25,
      },
      {
        key: 'chart-1a',
        replyTo: 'chart-1',
        authorName: 'Dev Malhotra',
        authorEmail: 'dev.malhotra@example.org',
        body: 'Same at Spindle Records. The staff were handing out tea to people waiting outside.',
        status: 'APPROVED',
        minutesAfterPublication: 70,
      },
      {
        key: 'chart-2',
        authorName: 'Ola Nystrom',
        authorEmail: 'ola.nystrom@example.net',
        body: 'The second half drags. Great singles, but it is not the masterpiece people are claiming.',
        status: 'APPROVED',
        minutesAfterPublication: 140,
      },
      {
        key: 'chart-3',
        authorName: 'Kasia Wren',
        authorEmail: 'kasia.wren@example.com',
        body: 'Is there going to be a tour? At the fan concert she hinted at dates next year.',
        status: 'PENDING',
        minutesAfterPublication: 200,
      },
    ],
  },
  {
    slug: 'port-halden-arvenne-rail-deal',
    title: 'Norvania and Castellia sign deal to reopen cross-border rail line to Port Halden',
    excerpt:
      'The agreement commits both countries to restoring direct freight and passenger trains between Port Halden and the Castellian city of Arvenne by the end of the decade.',
    bodyHtml: html(
      `<p>Norvania and Castellia have signed an agreement to restore direct rail services between Port Halden and the Castellian city of Arvenne, reviving a cross-border line that has been closed to passengers since the early 1990s.</p>`,
      `<p>The deal, signed on Wednesday by the two transport ministers, commits both governments to upgrading 140 kilometres of track, electrifying the route and building a new freight terminal at Port Halden's eastern docks. Freight trains are due to run from 2028, with passenger services following a year later.</p>`,
      `<p>The line crosses the River Vell at Merrow, where the rail bridge was damaged in the spring floods. Officials said its repair would be coordinated with the joint reconstruction programme already under way in the valley.</p>`,
      `<blockquote><p>"Today a lorry carrying timber from Arvenne to the port spends most of its day in traffic," said Castellian Transport Minister Inés Valcour. "By the end of the decade, that timber will be on a train, and the lorry will be off the road."</p></blockquote>`,
      `<p>The project is expected to cost about 2.4 billion crowns, shared between the two governments and the Northern Sea Development Bank. The Port Halden Rail &amp; Freight Authority said the new terminal could handle up to 30 freight trains a week and create around 400 permanent jobs.</p>`,
      `<p>Business groups welcomed the agreement. "Exporters on both sides of the border have been asking for this for twenty years," said Greta Lind, chief executive of the Port Halden Chamber of Commerce. Shares in Norrail, which operates most freight services in Norvania, rose 4% in early trading.</p>`,
      `<p>The deal is expected to be formally endorsed by leaders at next month's regional summit in Port Halden.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 14,
    authorKey: 'samir',
    sectionKey: 'business',
    tagKeys: ['rail', 'trade', 'infrastructure'],
    featuredImage: {
      url: 'https://images.example.com/port-halden-arvenne-rail-deal.jpg',
      alt: 'A disused railway line running alongside a harbour with cranes in the background',
      caption: 'The disused line at Port Halden\'s eastern docks, where a new freight terminal is planned. Photo: Erik Saltvik',
    },
    comments: [],
  },
  {
    slug: 'parliament-approves-summit-delegation-budget',
    title: 'Parliament approves summit delegation budget after heated debate',
    excerpt:
      'MPs voted 98 to 71 to approve 4.6 million crowns for Norvania\'s delegation to the Port Halden summit, after opposition parties accused the government of extravagance.',
    bodyHtml: html(
      `<p>Norvania's parliament on Thursday approved a 4.6 million crown budget for the country's delegation to next month's regional summit in Port Halden, after a debate in which opposition MPs accused the government of treating the meeting as "a travelling festival".</p>`,
      `<p>The budget passed by 98 votes to 71, with two abstentions. It covers travel, accommodation and security for a delegation of around 120 people, as well as the cost of a reception for other delegations on the summit's first evening.</p>`,
      `<p>Opposition leader Marit Eklund said the size of the delegation was "out of all proportion" to a two-day programme. "The previous government sent 70 people to the last summit and was rightly criticised for it," she told the chamber. "This government has found a way to nearly double that."</p>`,
      `<blockquote><p>"This is the most important regional meeting Norvania will attend this year, and we are going there to sign agreements on rail, reconstruction and trade worth billions," replied Foreign Minister Lars Ødegaard. "You do not negotiate agreements of that size with a skeleton staff."</p></blockquote>`,
      `<p>The foreign ministry said the delegation included trade officials, engineers and legal advisers who would be needed to finalise the cross-border rail agreement and the terms of the Vell valley reconstruction fund. An amendment that would have capped the delegation at 80 people was defeated by 12 votes.</p>`,
      `<p>Several government MPs also voiced unease. Kristin Aalto, who chairs parliament's finance committee, voted for the budget but said ministers should "expect to be asked, line by line, what every crown achieved". Two members of the governing coalition abstained.</p>`,
      `<p>The government has promised to publish a full breakdown of the delegation's costs within a month of the summit's close.</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 3,
    authorKey: 'elena',
    sectionKey: 'politics',
    tagKeys: ['summit', 'diplomacy'],
    featuredImage: null,
    comments: [
      {
        key: 'parl-1',
        authorName: 'Harald Strom',
        authorEmail: 'harald.strom@example.com',
        body: '120 people for a two-day summit is absurd. Send the negotiators and leave the hangers-on at home.',
        status: 'APPROVED',
        minutesAfterPublication: 20,
      },
      {
        key: 'parl-1a',
        replyTo: 'parl-1',
        authorName: 'Sofie Lange',
        authorEmail: 'sofie.lange@example.org',
        body: 'The article says the delegation includes engineers and lawyers for the rail deal. Those are not hangers-on.',
        status: 'APPROVED',
        minutesAfterPublication: 45,
      },
      {
        key: 'parl-2',
        authorName: 'Victor Almgren',
        authorEmail: 'victor.almgren@example.net',
        body: 'Who voted against the cap on the delegation size? I would like to see the full division list.',
        status: 'PENDING',
        minutesAfterPublication: 90,
      },
    ],
  },
  {
    slug: 'vinyl-sales-35-year-high',
    title: 'Vinyl sales reach a 35-year high as younger buyers return to record shops',
    excerpt:
      'More than 1.1 million records were sold in Norvania in the past year, and industry figures suggest buyers under 25 now account for nearly half of them.',
    bodyHtml: html(
      `<p>Sales of vinyl records in Norvania have risen for the twelfth year in a row, reaching their highest level since 1990, according to figures published on Tuesday by the Norvanian Phonographic Association.</p>`,
      `<p>More than 1.1 million vinyl albums were sold in the past twelve months, an increase of 14% on the year before. Vinyl now accounts for almost one in four physical music sales, while sales of CDs continued to decline.</p>`,
      `<p>The association's survey of buyers suggests the growth is being driven by younger listeners. Nearly half of vinyl purchases were made by people under 25, many of whom said they also streamed the same albums.</p>`,
      `<blockquote><p>"They stream to discover music, and they buy a record when they love something," said the association's chief executive, Paul Sandberg. "A vinyl album has become a way of saying: this one matters to me."</p></blockquote>`,
      `<p>Independent record shops have been the biggest beneficiaries. The number of independent shops in Norvania has grown from 84 to 131 in five years, the association said, with new openings in university towns and on high streets that have lost other retailers.</p>`,
      `<p>Record shop owners say the new customers behave differently from the collectors who kept the format alive in the 2000s. "They come in with a list from their phone, they ask for recommendations, and they often buy something they've never heard of," said Jonas Eide, who opened a shop in Port Halden's old market hall three years ago.</p>`,
      `<p>But pressing plants are struggling to keep up. Lead times for new orders have stretched to four months at some plants, and smaller labels say they are being squeezed out by major releases. "If a big pop album books the presses, we wait," said Ida Moen of the independent label Tidewater Records. "Sometimes that means missing the moment when people want to buy."</p>`,
    ),
    status: 'PUBLISHED',
    hoursAgo: 300,
    authorKey: 'priya',
    sectionKey: null,
    tagKeys: ['music', 'albums'],
    featuredImage: null,
    comments: [],
  },
  {
    slug: 'port-halden-summit-five-things-to-watch',
    title: 'Port Halden summit: five things to watch',
    excerpt:
      'From a cross-border rail deal to a reconstruction fund in search of new donors, what leaders hope to agree when they gather on the Northern Sea coast.',
    bodyHtml: html(
      `<p>Leaders from eight countries around the Northern Sea gather in Port Halden next month for a two-day summit that hosts and guests alike have promised will deliver "decisions, not declarations". After weeks of preparation, most of the big agreements are drafted. Whether they are signed is another matter.</p>`,
      `<ul><li>The rail deal: Norvania and Castellia are expected to endorse their agreement to reopen the line between Port Halden and Arvenne, and others may join a wider study of freight routes.</li><li>The reconstruction fund: the Vell Valley Reconstruction Fund has 1.2 billion crowns from its two founders. New donors would be an early sign of goodwill.</li><li>The bilateral: Chancellor Ilsa Brandvold and President Mateo Arrien meet in person for the first time on the opening morning.</li><li>Fishing rights: dropped from the agenda, but smaller delegations may raise them anyway.</li><li>The bill: after a bruising vote over the size of Norvania's delegation, the government needs results it can point to.</li></ul>`,
      `<p>Officials on both sides say the rail agreement is the most likely to be signed. The text has been agreed by transport ministries, and the Northern Sea Development Bank has confirmed its share of the financing. The reconstruction fund is less certain: finance ministers have sounded out several governments, but none has publicly committed money.</p>`,
      `<p>"The test of this summit is not the communiqué, it is what happens in the valley and on the railway the following spring," said Dr Anneke Solberg of the University of Halden. "Leaders know that, which is why they have kept the agenda so short."</p>`,
      `<p>The summit opens with a plenary session on trade and closes with a joint press conference on the afternoon of the second day. We will be reporting live from Port Halden throughout.</p>`,
    ),
    status: 'DRAFT',
    hoursAgo: 0,
    authorKey: 'elena',
    sectionKey: 'politics',
    tagKeys: ['summit', 'diplomacy', 'trade', 'rail', 'reconstruction'],
    featuredImage: {
      url: 'https://images.example.com/port-halden-summit-five-things-to-watch.jpg',
      alt: 'The Port Halden harbour front at dusk, with the conference centre lit up',
      caption: 'Port Halden will host leaders from eight countries next month. Photo: City of Port Halden',
    },
    comments: [],
  },
  {
    slug: 'vell-valley-nine-months-after-the-floods',
    title: 'Nine months after the floods, the Vell valley is rebuilding, slowly',
    excerpt:
      'The Old Vell Bridge has reopened to lorries and the first household grants have been paid, but hundreds of families are still living in temporary homes.',
    bodyHtml: html(
      `<p>Nine months after floodwater swept through the Vell valley, the sound of pumps has given way to the sound of construction. Scaffolding covers half the high street in Merrow, and the Old Vell Bridge, closed to heavy vehicles for most of the year, reopened to lorries this week.</p>`,
      `<p>The joint reconstruction office set up by Norvania and Castellia says 9 of the valley's 14 damaged bridges are now either repaired or under construction, and that the first 600 household grants from the Vell Valley Reconstruction Fund have been paid. Both governments have published every contract on the fund's website, as promised when it was launched.</p>`,
      `<blockquote><p>"We are ahead of where I feared we would be and behind where people deserve us to be," said the office's director, Anja Vermeer. "The bridges are the easy part. Homes are harder, because every one of them is somebody's whole life."</p></blockquote>`,
      `<p>Around 700 families are still living in temporary housing, many of them in prefabricated units on the hillside above Merrow. Residents say the grants, capped at 40,000 crowns, do not cover the cost of rebuilding a house to the new flood-resistant standard.</p>`,
      `<p>The fund's board is expected to decide next month whether to raise the cap, after the Port Halden summit brought in new pledges from three other governments. Castellian Finance Minister Julien Marceau said raising it was "under serious consideration", but warned that every increase meant fewer households could be helped in the first round.</p>`,
      `<p>Tomasz Brenner reopened his hardware shop in Merrow last month. "I said I would believe it when I drove across the bridge," he said. "I drove across it on Tuesday. Now I want to see the same speed for the houses."</p>`,
    ),
    status: 'SCHEDULED',
    hoursAgo: -720,
    authorKey: 'samir',
    sectionKey: 'world',
    tagKeys: ['reconstruction', 'flooding', 'infrastructure'],
    featuredImage: {
      url: 'https://images.example.com/vell-valley-nine-months-after-the-floods.jpg',
      alt: 'A lorry crossing a repaired stone bridge over a calm river',
      caption: 'The first lorry crosses the reopened Old Vell Bridge at Merrow. Photo: Samir Adeyemi',
    },
    comments: [],
  },
];
