import type { Queryable } from '../store/db.ts';

/** The roles of the API's security requirements. */
export const roles = ['clinic_uploader', 'ai_service', 'doctor', 'technician', 'org_admin'] as const;
/** One of `roles`. */
export type Role = (typeof roles)[number];

/** Records an organisation (a clinic); nothing happens when it exists already. */
export async function addOrganisation(sql: Queryable, org: { id: string; name: string }, now: Date): Promise<void> {
  await sql.query('INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [org.id, org.name, now]);
}

/** Records that a user works for an organisation in `roles`, replacing their earlier roles there. */
export async function addMember(sql: Queryable, member: { orgId: string; userId: string; name: string; roles: readonly Role[] }, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO members (org_id, user_id, name, roles, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (org_id, user_id) DO UPDATE SET name = excluded.name, roles = excluded.roles`,
    [member.orgId, member.userId, member.name, JSON.stringify(member.roles), now],
  );
}

/** The roles a user holds in an organisation; undefined when they are not a member. */
export async function memberRoles(sql: Queryable, orgId: string, userId: string): Promise<string[] | undefined> {
  const rows = await sql.query<{ roles: string[] }>('SELECT roles FROM members WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
  return rows[0]?.roles;
}
