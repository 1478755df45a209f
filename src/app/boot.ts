/**
 * The page's entry: a built model in the link (`m`) is read first — inflating it is
 * asynchronous — and then the composition root starts, with the link read against it.
 */
import { readModelLink } from './build/startup.ts';

void readModelLink(location.search).then(() => import('./main.ts'));
