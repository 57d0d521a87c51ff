import { queryRows } from './persistence.module';

const fake = (result: unknown) => ({ query: async () => result });

describe('queryRows', () => {
  it('returns the rows of an UPDATE … RETURNING, which TypeORM wraps as [rows, affected]', async () => {
    expect(await queryRows(fake([[{ id: 'a' }], 1]), 'UPDATE …')).toEqual([{ id: 'a' }]);
  });
  it('returns the rows of a SELECT as they are', async () => {
    expect(await queryRows(fake([{ id: 'a' }, { id: 'b' }]), 'SELECT …')).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
  it('an UPDATE that matched nothing gives no rows', async () => {
    expect(await queryRows(fake([[], 0]), 'UPDATE …')).toEqual([]);
  });
});
