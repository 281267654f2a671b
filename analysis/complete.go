package analysis

import "context"

// CompleteJSON sends a system and a user message in JSON mode and returns
// the model's reply text and the model that answered, with the client's
// retries and timeout. It is for other packages' structured extraction
// (the CV import); its errors carry a short reason safe to show, never the
// key or the provider's body.
func (c *Client) CompleteJSON(ctx context.Context, system, user string) (reply, model string, err error) {
	return c.complete(ctx, system, user)
}
