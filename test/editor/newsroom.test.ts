import { Role } from '../../src/auth/role';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

describe('bylines, sections and tags', () => {
  it('creates and updates an author; the slug changes only when asked', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const created = await t.gql(`mutation { createAuthor(input: { name: "Zoë Łukasik", bio: "Culture desk." }) { id slug name bio } }`, {}, headers);
    const author = created.body.data?.createAuthor;
    expect(author).toMatchObject({ slug: 'zoe-lukasik', name: 'Zoë Łukasik', bio: 'Culture desk.' });
    const updated = await t.gql(`mutation ($id: ID!) { updateAuthor(id: $id, input: { name: "Zoë Ł.", avatarUrl: "https://images.example.com/z.jpg" }) { slug name bio avatarUrl } }`, { id: author.id }, headers);
    // A field not sent keeps its value.
    expect(updated.body.data?.updateAuthor).toEqual({ slug: 'zoe-lukasik', name: 'Zoë Ł.', bio: 'Culture desk.', avatarUrl: 'https://images.example.com/z.jpg' });
    // null clears an optional field, and so does a blank one; the other stays.
    const cleared = await t.gql(`mutation ($id: ID!) { updateAuthor(id: $id, input: { bio: null, avatarUrl: "   " }) { bio avatarUrl } }`, { id: author.id }, headers);
    expect(cleared.body).toEqual({ data: { updateAuthor: { bio: null, avatarUrl: null } } });
    const rewritten = await t.gql(`mutation ($id: ID!) { updateAuthor(id: $id, input: { bio: "  Arts editor.  " }) { bio avatarUrl } }`, { id: author.id }, headers);
    expect(rewritten.body.data?.updateAuthor).toEqual({ bio: 'Arts editor.', avatarUrl: null });
    expect(errorCodes(await t.gql(`mutation ($id: ID!) { updateAuthor(id: $id, input: { avatarUrl: "javascript:alert(1)" }) { slug } }`, { id: author.id }, headers))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses empty, over-long and control-character names, changing nothing', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const tag = await f.makeTag({ name: 'Energy' });
    for (const name of ['', '   ', 'x'.repeat(5000), 'a\u0000b']) {
      expect(errorCodes(await t.gql(`mutation ($id: ID!, $name: String!) { renameTag(id: $id, name: $name) { name } }`, { id: tag.id, name }, headers))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await t.gql(`mutation ($name: String!) { createAuthor(input: { name: $name }) { id } }`, { name }, headers))).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await t.gql(`mutation { createAuthor(input: { name: "Fine", bio: "a\\u0000b" }) { id } }`, {}, headers))).toEqual(['BAD_USER_INPUT']);
    expect(await t.app.dataSource.query(`SELECT "name" FROM "tag"`)).toEqual([{ name: 'Energy' }]);
    expect(await t.app.dataSource.query(`SELECT "name" FROM "author"`)).toEqual([]);
  });

  it('creates, renames and deletes sections and tags; a term in use cannot be deleted', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const section = (await t.gql(`mutation { createSection(input: { name: "Science & Tech" }) { id slug name } }`, {}, headers)).body.data?.createSection;
    expect(section).toMatchObject({ slug: 'science-and-tech', name: 'Science & Tech' });
    const renamed = await t.gql(`mutation ($id: ID!) { renameSection(id: $id, name: "Science") { slug name } }`, { id: section.id }, headers);
    expect(renamed.body.data?.renameSection).toEqual({ slug: 'science-and-tech', name: 'Science' });

    const tag = (await t.gql(`mutation { createTag(input: { name: "Climate" }) { id slug } }`, {}, headers)).body.data?.createTag;
    await f.makeArticle({ tags: [{ id: tag.id } as never], section: { id: section.id } as never });
    const refusedTag = await t.gql(`mutation ($id: ID!) { deleteTag(id: $id) { id } }`, { id: tag.id }, headers);
    expect(errorCodes(refusedTag)).toEqual(['CONFLICT']);
    expect(refusedTag.body.errors?.[0].extensions?.articles).toBe(1);
    expect(errorCodes(await t.gql(`mutation ($id: ID!) { deleteSection(id: $id) { id } }`, { id: section.id }, headers))).toEqual(['CONFLICT']);
    expect(await t.app.dataSource.query(`SELECT "name" FROM "tag"`)).toEqual([{ name: 'Climate' }]);

    const unused = (await t.gql(`mutation { createTag(input: { name: "Unused" }) { id } }`, {}, headers)).body.data?.createTag;
    expect((await t.gql(`mutation ($id: ID!) { deleteTag(id: $id) { id } }`, { id: unused.id }, headers)).body.data).toEqual({ deleteTag: { id: unused.id } });
    expect(errorCodes(await t.gql(`mutation ($id: ID!) { deleteTag(id: $id) { id } }`, { id: unused.id }, headers))).toEqual(['NOT_FOUND']);
  });
});
