// The user's conversations, through PocketBase's records API: the server
// makes them (a question without a conversation starts one); the owner
// lists them.

import { request } from '../../api.js';

/** latestConversation is the user's most recently active conversation, or null. */
export async function latestConversation() {
  const q = new URLSearchParams({ perPage: '1', sort: '-updated,-id', skipTotal: '1' });
  const { data } = await request(`/api/collections/conversations/records?${q}`);
  return data.items[0] || null;
}
